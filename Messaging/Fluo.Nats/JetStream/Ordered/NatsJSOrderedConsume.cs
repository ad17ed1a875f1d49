using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Fluo.Nats.JetStream.Serialization;

namespace Fluo.Nats.JetStream.Ordered;

/// <summary>
/// One continuous ordered consume: pulls like <see cref="NatsJSConsume{T}"/>, but every disturbance (gap, stale
/// heartbeat, silence, reconnect, deleted consumer, no responders) resets instead: a fresh inbox and a new consumer
/// starting after the last message handed out. A fresh inbox per consumer keeps late messages and statuses of the
/// old one out. Everything runs on the enumerating thread.
/// </summary>
internal sealed class NatsJSOrderedConsume<T>
{
    private readonly NatsJSOrderedConsumer _owner;
    private readonly NatsJSConsumeOpts _opts;
    private readonly INatsDeserialize<T>? _serializer;
    private readonly int _threshold;
    private volatile bool _reconnected;
    private long _pendingMsgs;

    public NatsJSOrderedConsume(NatsJSOrderedConsumer owner, NatsJSConsumeOpts opts, INatsDeserialize<T>? serializer)
    {
        _owner = owner;
        _opts = opts;
        _serializer = serializer;
        _threshold = Math.Clamp(opts.ThresholdMsgs ?? opts.MaxMsgs / 2, 0, opts.MaxMsgs - 1);
    }

    public async IAsyncEnumerable<NatsJSMsg<T>> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _owner.Enter();
        var context = _owner.Context;
        var connection = context.Connection;
        var heartbeat = _opts.Heartbeat;
        var silence = heartbeat * 2;
        var noResponderWait = TimeSpan.FromMilliseconds(100);
        INatsSub<T>? sub = null;
        connection.Reconnected += OnReconnected;
        try
        {
            string? reset = null;
            var consumer = await _owner.CurrentAsync(cancellationToken).ConfigureAwait(false);
            var inbox = connection.NewInbox();
            sub = await SubscribeAsync(inbox, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                if (_reconnected)
                {
                    _reconnected = false;
                    reset ??= "reconnected";
                }

                if (reset is not null)
                {
                    await sub.DisposeAsync().ConfigureAwait(false);
                    sub = null;
                    consumer = await _owner.ResetAsync(reset, cancellationToken).ConfigureAwait(false);
                    inbox = connection.NewInbox();
                    sub = await SubscribeAsync(inbox, cancellationToken).ConfigureAwait(false);
                    _pendingMsgs = 0;
                    reset = null;
                }

                if (_pendingMsgs <= _threshold)
                {
                    var batch = (int)(_opts.MaxMsgs - _pendingMsgs);
                    try
                    {
                        await consumer.PullAsync(inbox, new PullRequest { Batch = batch, Expires = _opts.Expires, IdleHeartbeat = heartbeat }, cancellationToken).ConfigureAwait(false);
                        _pendingMsgs += batch;
                    }
                    catch (NatsReconnectBufferFullException)
                    {
                        // Disconnected: the reconnect resets.
                    }
                }

                if (!sub.Msgs.TryRead(out var msg))
                {
                    var outcome = await WaitAsync(sub.Msgs, silence, cancellationToken).ConfigureAwait(false);
                    switch (outcome)
                    {
                        case WaitOutcome.Cancelled:
                            yield break;
                        case WaitOutcome.Completed:
                            NatsJSOrderedLog.Failed(context.Logger, _owner.Stream, "the inbox subscription ended (connection closed)");
                            throw new NatsJSException($"The ordered consume of {_owner.Stream} ended: the connection was closed.");
                        case WaitOutcome.Silent:
                            reset = $"no message or heartbeat for {silence}";
                            break;
                    }

                    continue;
                }

                var kind = PullStatus.Classify(msg);
                if (kind == PullStatusKind.None)
                {
                    if (NatsJSMsgMetadata.Parse(msg.ReplyTo) is not { } metadata || !_owner.IsCurrent(metadata))
                    {
                        continue;
                    }

                    _pendingMsgs = Math.Max(0, _pendingMsgs - 1);
                    if (!_owner.Advance(metadata))
                    {
                        reset = $"gap: consumer sequence {metadata.ConsumerSequence} after {_owner.LastConsumerSequence}";
                        continue;
                    }

                    noResponderWait = TimeSpan.FromMilliseconds(100);
                    yield return new NatsJSMsg<T>(msg);
                    continue;
                }

                var headers = msg.Headers!;
                switch (kind)
                {
                    case PullStatusKind.Heartbeat:
                        if (ulong.TryParse(headers.GetLastValue("Nats-Last-Consumer"), NumberStyles.None, CultureInfo.InvariantCulture, out var last) &&
                            last > _owner.LastConsumerSequence)
                        {
                            reset = $"heartbeat reports consumer sequence {last}, last received {_owner.LastConsumerSequence}";
                        }

                        break;
                    case PullStatusKind.PullEnded:
                        _pendingMsgs = Math.Max(0, _pendingMsgs - PullStatus.Pendings(headers).Msgs);
                        break;
                    case PullStatusKind.Reset:
                        _pendingMsgs = 0;
                        break;
                    case PullStatusKind.NoResponders:
                        await Task.Delay(noResponderWait, cancellationToken).ConfigureAwait(false);
                        noResponderWait = TimeSpan.FromTicks(Math.Min(noResponderWait.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
                        reset = "no responders";
                        break;
                    case PullStatusKind.ConsumerDeleted:
                        reset = $"{headers.Code} {headers.MessageText}";
                        break;
                    case PullStatusKind.Terminal:
                        NatsJSOrderedLog.Failed(context.Logger, _owner.Stream, $"{headers.Code} {headers.MessageText}");
                        throw new NatsJSTerminalStatusException(headers.Code, headers.MessageText);
                    default:
                        NatsJSOrderedLog.Warning(context.Logger, _owner.Stream, headers.Code, headers.MessageText);
                        break;
                }
            }
        }
        finally
        {
            connection.Reconnected -= OnReconnected;
            if (sub is not null)
            {
                await sub.DisposeAsync().ConfigureAwait(false);
            }

            _owner.Release();
            _owner.Exit();
        }
    }

    private void OnReconnected(object? sender, NatsEventArgs e) => _reconnected = true;

    private ValueTask<INatsSub<T>> SubscribeAsync(string inbox, CancellationToken cancellationToken) =>
        _owner.Context.Connection.SubscribeCoreAsync(inbox, null, _serializer, new NatsSubOpts { ChannelCapacity = (_opts.MaxMsgs * 2) + 128, ReceiveSpans = _opts.ReceiveSpans }, cancellationToken);

    private enum WaitOutcome
    {
        Ready,
        Silent,
        Reconnected,
        Completed,
        Cancelled,
    }

    private async ValueTask<WaitOutcome> WaitAsync(ChannelReader<NatsMsg<T>> reader, TimeSpan silence, CancellationToken cancellationToken)
    {
        // Polls the reconnect flag every 100 ms so a reconnect is acted on without waiting out the silence.
        var deadline = DateTime.UtcNow + silence;
        while (true)
        {
            using var slice = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            slice.CancelAfter(TimeSpan.FromMilliseconds(100));
            try
            {
                return await reader.WaitToReadAsync(slice.Token).ConfigureAwait(false) ? WaitOutcome.Ready : WaitOutcome.Completed;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Slice over.
            }
            catch (OperationCanceledException)
            {
                return WaitOutcome.Cancelled;
            }
            catch (ChannelClosedException)
            {
                return WaitOutcome.Completed;
            }

            if (_reconnected)
            {
                return WaitOutcome.Reconnected;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return WaitOutcome.Silent;
            }
        }
    }
}
