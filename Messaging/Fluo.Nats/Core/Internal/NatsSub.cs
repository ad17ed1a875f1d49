using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Fluo.Nats.Protocol;

namespace Fluo.Nats.Internal;

/// <summary>
/// A subscription with a bounded channel. The reader loop never waits on it: when the channel is full the
/// message is dropped and counted (the slow-consumer freeze of nats.net v2 cannot happen here).
/// </summary>
internal sealed class NatsSub<T> : NatsSubBase, INatsSub<T>
{
    private readonly NatsConnection _connection;
    private readonly INatsDeserialize<T> _deserializer;
    private readonly Channel<NatsMsg<T>> _channel;
    private readonly int _capacity;
    private readonly bool _receiveSpans;
    private byte[] _lastSubjectBytes = [];
    private string _lastSubject = string.Empty;
    private long _dropped;
    private bool _slow;
    private int _completed;

    public NatsSub(NatsConnection connection, int sid, string subject, string? queueGroup, INatsDeserialize<T> deserializer, NatsSubOpts? opts)
        : base(sid, subject, queueGroup, opts?.MaxMsgs)
    {
        _connection = connection;
        _deserializer = deserializer;
        _capacity = opts?.ChannelCapacity ?? connection.Opts.SubPendingChannelCapacity;
        _receiveSpans = opts?.ReceiveSpans ?? true;
        _channel = Channel.CreateBounded<NatsMsg<T>>(new BoundedChannelOptions(_capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = true,
            SingleReader = false,
            AllowSynchronousContinuations = false,
        });
    }

    public ChannelReader<NatsMsg<T>> Msgs => _channel.Reader;

    public long DroppedCount => Interlocked.Read(ref _dropped);

    public override void Receive(in ServerFrame frame, ReadOnlyMemory<byte> window, int size)
    {
        var subject = SubjectString(frame.Subject);
        var replyTo = frame.ReplyTo.IsEmpty ? null : Encoding.UTF8.GetString(frame.ReplyTo);
        NatsHeaders? headers = null;
        Exception? error = null;
        T? data = default;
        try
        {
            if (!frame.Headers.IsEmpty)
            {
                headers = HeaderCodec.Parse(frame.Headers);
            }

            data = _deserializer.Deserialize(new ReadOnlySequence<byte>(window.Slice(frame.PayloadOffset, frame.Payload.Length)));
        }
        catch (Exception ex) when (ex is NatsException or FormatException or InvalidOperationException)
        {
            error = ex as NatsException ?? new NatsSerializationException($"Could not read the message on '{subject}': {ex.Message}", ex);
        }

        var context = default(ActivityContext);
        if (_receiveSpans && NatsTelemetry.Source.HasListeners())
        {
            context = NatsInstrumentation.RecordReceive(_connection, subject, replyTo, QueueGroup, headers, frame.Payload.Length, size);
        }

        var msg = new NatsMsg<T>(subject, replyTo, size, headers, data, _connection) { Error = error, ReceiveContext = context };
        Delivered++;
        if (_channel.Writer.TryWrite(msg))
        {
            _slow = false;
        }
        else
        {
            var dropped = Interlocked.Increment(ref _dropped);
            _connection.OnMessageDropped(this, subject, _channel.Reader.Count, dropped, firstOfEpisode: !_slow);
            _slow = true;
        }

        if (MaxMsgs is { } max && Delivered >= max)
        {
            _connection.RemoveSubscription(this, sendUnsub: false);
            Complete();
        }
    }

    private string SubjectString(ReadOnlySpan<byte> bytes)
    {
        // Most subscriptions see the same few subjects; reuse the string instead of allocating per message.
        if (bytes.SequenceEqual(_lastSubjectBytes))
        {
            return _lastSubject;
        }

        _lastSubject = Encoding.UTF8.GetString(bytes);
        _lastSubjectBytes = bytes.ToArray();
        return _lastSubject;
    }

    public override void Complete(Exception? error = null)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            NatsTelemetry.ActiveSubscriptions.Add(-1);
            _channel.Writer.TryComplete(error);
        }
    }

    public async ValueTask UnsubscribeAsync()
    {
        if (Volatile.Read(ref _completed) == 0)
        {
            _connection.RemoveSubscription(this, sendUnsub: true);
            Complete();
        }

        await ValueTask.CompletedTask.ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => UnsubscribeAsync();
}
