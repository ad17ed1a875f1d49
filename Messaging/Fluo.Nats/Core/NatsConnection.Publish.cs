using System.Buffers;
using System.Diagnostics;
using Fluo.Nats.Internal;
using Fluo.Nats.Protocol;

namespace Fluo.Nats;

public sealed partial class NatsConnection
{
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_scratch;

    /// <inheritdoc />
    public ValueTask PublishAsync(string subject, NatsHeaders? headers = null, string? replyTo = null, CancellationToken cancellationToken = default) =>
        PublishAsync(subject, ReadOnlyMemory<byte>.Empty, headers, replyTo, NatsRawSerializer<ReadOnlyMemory<byte>>.Default, cancellationToken);

    /// <inheritdoc />
    public ValueTask PublishAsync<T>(string subject, T data, NatsHeaders? headers = null, string? replyTo = null, INatsSerialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        NatsSubjects.Validate(subject, allowWildcards: false);
        if (replyTo is not null)
        {
            NatsSubjects.Validate(replyTo, allowWildcards: false);
        }

        var state = _state;
        if (state is not (NatsConnectionState.Open or NatsConnectionState.Reconnecting))
        {
            return ConnectThenPublishAsync(subject, data, headers, replyTo, serializer, cancellationToken);
        }

        Activity? activity = null;
        if (NatsTelemetry.Source.HasListeners())
        {
            activity = NatsInstrumentation.StartPublish(this, subject, replyTo, 0);
        }

        var context = activity ?? Activity.Current;
        if (context is not null)
        {
            headers = NatsInstrumentation.Inject(context, headers);
        }

        var scratch = t_scratch ??= new ArrayBufferWriter<byte>(4096);
        try
        {
            var headerLength = headers is null ? 0 : HeaderCodec.Write(scratch, headers);
            try
            {
                (serializer ?? Opts.SerializerRegistry.GetSerializer<T>()).Serialize(scratch, data);
            }
            catch (Exception ex) when (ex is not NatsException)
            {
                throw new NatsSerializationException($"Could not serialize {typeof(T).Name} for '{subject}': {ex.Message}", ex);
            }

            var body = scratch.WrittenSpan;
            activity?.SetTag(NatsTelemetry.BodySize, body.Length - headerLength);
            if (_writer.TryWritePublish(subject, replyTo, body, headerLength))
            {
                CountSent(body.Length);
                return default;
            }

            // The socket is behind: keep a copy (the scratch buffer belongs to this thread) and wait for room.
            return WaitThenPublishAsync(subject, replyTo, body.ToArray(), headerLength, cancellationToken);
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.Message);
            activity.AddException(ex);
            throw;
        }
        finally
        {
            scratch.ResetWrittenCount();
            if (scratch.Capacity > 1024 * 1024)
            {
                t_scratch = null;
            }

            activity?.Dispose();
        }
    }

    /// <summary>
    /// Publishes a JetStream acknowledgement (<c>+ACK</c>, <c>-NAK</c>, <c>+WPI</c>, <c>+TERM</c>) as a bare PUB.
    /// Settling a delivery is part of processing it, which the delivery's own spans already cover, so it gets no span
    /// of its own and carries no trace context: a header block would turn every ack into an HPUB for the server to
    /// parse, and the span would be one more per message to export.
    /// </summary>
    internal ValueTask PublishSettlementAsync(string subject, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (_state is not (NatsConnectionState.Open or NatsConnectionState.Reconnecting))
        {
            return ConnectThenSettleAsync(subject, body, cancellationToken);
        }

        if (_writer.TryWritePublish(subject, null, body.Span, 0))
        {
            CountSent(body.Length);
            return default;
        }

        return WaitThenPublishAsync(subject, null, body.ToArray(), 0, cancellationToken);
    }

    private async ValueTask ConnectThenSettleAsync(string subject, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        await PublishSettlementAsync(subject, body, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask ConnectThenPublishAsync<T>(string subject, T data, NatsHeaders? headers, string? replyTo, INatsSerialize<T>? serializer, CancellationToken cancellationToken)
    {
        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        await PublishAsync(subject, data, headers, replyTo, serializer, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask WaitThenPublishAsync(string subject, string? replyTo, byte[] body, int headerLength, CancellationToken cancellationToken)
    {
        do
        {
            await _writer.WhenSpaceAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        while (!_writer.TryWritePublish(subject, replyTo, body, headerLength));

        CountSent(body.Length);
    }

    private static void CountSent(int bytes)
    {
        if (NatsTelemetry.SentMessages.Enabled)
        {
            NatsTelemetry.SentMessages.Add(1, new KeyValuePair<string, object?>(NatsTelemetry.MessagingSystem, "nats"));
        }

        if (NatsTelemetry.SentBytes.Enabled)
        {
            NatsTelemetry.SentBytes.Add(bytes, new KeyValuePair<string, object?>(NatsTelemetry.MessagingSystem, "nats"));
        }
    }

    /// <inheritdoc />
    public async ValueTask<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        var waiter = new PingWaiter();
        _writer.Ping(waiter);
        var elapsed = await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (NatsTelemetry.OperationDuration.Enabled)
        {
            NatsTelemetry.OperationDuration.Record(elapsed.TotalSeconds,
                new KeyValuePair<string, object?>(NatsTelemetry.MessagingSystem, "nats"),
                new KeyValuePair<string, object?>(NatsTelemetry.OperationName, "ping"));
        }

        return elapsed;
    }

    /// <inheritdoc />
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default) =>
        await PingAsync(cancellationToken).ConfigureAwait(false);
}
