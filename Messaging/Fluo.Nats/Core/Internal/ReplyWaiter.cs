using System.Buffers;
using System.Diagnostics;
using System.Text;
using Fluo.Nats.Protocol;

namespace Fluo.Nats.Internal;

/// <summary>A request waiting for its reply on the shared inbox.</summary>
internal abstract class ReplyWaiter
{
    public abstract void SetReply(in ServerFrame frame, ReadOnlyMemory<byte> window, int size);

    public abstract void Fail(Exception error);
}

internal sealed class ReplyWaiter<T> : ReplyWaiter
{
    private readonly TaskCompletionSource<NatsMsg<T>> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly INatsDeserialize<T> _deserializer;
    private readonly NatsConnection _connection;

    public ReplyWaiter(INatsDeserialize<T> deserializer, NatsConnection connection)
    {
        _deserializer = deserializer;
        _connection = connection;
    }

    public Task<NatsMsg<T>> Task => _completion.Task;

    public override void SetReply(in ServerFrame frame, ReadOnlyMemory<byte> window, int size)
    {
        try
        {
            var headers = frame.Headers.IsEmpty ? null : HeaderCodec.Parse(frame.Headers);
            var subject = Encoding.UTF8.GetString(frame.Subject);
            var replyTo = frame.ReplyTo.IsEmpty ? null : Encoding.UTF8.GetString(frame.ReplyTo);
            T? data = default;
            Exception? error = null;
            if (headers is not { Code: 503 })
            {
                try
                {
                    data = _deserializer.Deserialize(new ReadOnlySequence<byte>(window.Slice(frame.PayloadOffset, frame.Payload.Length)));
                }
                catch (Exception ex) when (ex is NatsException or FormatException or InvalidOperationException)
                {
                    error = ex as NatsException ?? new NatsSerializationException($"Could not read the reply: {ex.Message}", ex);
                }
            }

            // A reply without trace context is a server's own answer (a JetStream ack, an API response): the request's
            // span covers it, and a receive span would start a one-span trace of its own for every such reply.
            var context = NatsTelemetry.Source.HasListeners() && headers is not null && headers.ContainsKey(NatsInstrumentation.TraceParent)
                ? NatsInstrumentation.RecordReceive(_connection, subject, replyTo, null, headers, frame.Payload.Length, size)
                : default;
            _completion.TrySetResult(new NatsMsg<T>(subject, replyTo, size, headers, data, _connection) { Error = error, ReceiveContext = context });
        }
        catch (NatsProtocolException ex)
        {
            _completion.TrySetException(ex);
        }
    }

    public override void Fail(Exception error) => _completion.TrySetException(error);
}
