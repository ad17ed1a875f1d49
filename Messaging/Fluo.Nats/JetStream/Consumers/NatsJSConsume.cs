using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Fluo.Nats.JetStream.Internal;
using Fluo.Nats.JetStream.Serialization;

namespace Fluo.Nats.JetStream;

/// <summary>
/// One continuous consume (ADR-37): a single inbox subscription; pulls are topped up when the outstanding count
/// falls to the threshold; silence beyond two heartbeats, a reconnect, a leadership change or a 503 resets the
/// count and pulls again; terminal statuses throw. Everything runs on the enumerating thread, so no locks.
/// </summary>
internal sealed class NatsJSConsume<T>
{
    private readonly NatsJSContext _context;
    private readonly NatsJSConsumer _consumer;
    private readonly NatsJSConsumeOpts _opts;
    private readonly INatsDeserialize<T>? _serializer;
    private readonly int _threshold;
    private TaskCompletionSource _reconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _pendingMsgs;
    private long _pendingBytes;

    public NatsJSConsume(NatsJSContext context, NatsJSConsumer consumer, NatsJSConsumeOpts opts, INatsDeserialize<T>? serializer)
    {
        _context = context;
        _consumer = consumer;
        _opts = opts;
        _serializer = serializer;
        _threshold = Math.Clamp(opts.ThresholdMsgs ?? opts.MaxMsgs / 2, 0, opts.MaxMsgs - 1);
    }

    public async IAsyncEnumerable<NatsJSMsg<T>> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var connection = _context.Connection;
        var inbox = connection.NewInbox();
        var heartbeat = _opts.Heartbeat;
        var silence = heartbeat * 2;
        var noResponderWait = TimeSpan.FromMilliseconds(100);
        await using var sub = await connection.SubscribeCoreAsync(inbox, null, _serializer, new NatsSubOpts { ChannelCapacity = (_opts.MaxMsgs * 2) + 128, ReceiveSpans = _opts.ReceiveSpans }, cancellationToken).ConfigureAwait(false);
        connection.Reconnected += OnReconnected;
        try
        {
            while (true)
            {
                if (_reconnected.Task.IsCompleted)
                {
                    _reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    NatsJSLog.PullAfterReconnect(_context.Logger, _consumer.Stream, _consumer.Name);
                    ResetPending();
                }

                if (_pendingMsgs <= _threshold)
                {
                    await PullAsync(inbox, heartbeat, cancellationToken).ConfigureAwait(false);
                }

                if (!sub.Msgs.TryRead(out var msg))
                {
                    var outcome = await WaitAsync(sub.Msgs, silence, cancellationToken).ConfigureAwait(false);
                    if (outcome == WaitOutcome.Cancelled)
                    {
                        yield break;
                    }

                    if (outcome == WaitOutcome.Completed)
                    {
                        var reason = "the inbox subscription ended (connection closed)";
                        NatsJSLog.ConsumeFailed(_context.Logger, _consumer.Stream, _consumer.Name, reason);
                        throw new NatsJSException($"The consume of {_consumer.Stream}/{_consumer.Name} ended: {reason}.");
                    }

                    if (outcome == WaitOutcome.Silent)
                    {
                        NatsJSLog.HeartbeatMissed(_context.Logger, _consumer.Stream, _consumer.Name, silence);
                        ResetPending();
                    }

                    continue;
                }

                _opts.OnActivity?.Invoke();
                var kind = PullStatus.Classify(msg);
                if (kind == PullStatusKind.None)
                {
                    _pendingMsgs = Math.Max(0, _pendingMsgs - 1);
                    _pendingBytes = Math.Max(0, _pendingBytes - msg.Size);
                    noResponderWait = TimeSpan.FromMilliseconds(100);
                    yield return new NatsJSMsg<T>(msg);
                    continue;
                }

                var headers = msg.Headers!;
                switch (kind)
                {
                    case PullStatusKind.Heartbeat:
                        break;
                    case PullStatusKind.PullEnded:
                        var (msgs, bytes) = PullStatus.Pendings(headers);
                        _pendingMsgs = Math.Max(0, _pendingMsgs - msgs);
                        _pendingBytes = Math.Max(0, _pendingBytes - bytes);
                        break;
                    case PullStatusKind.Reset:
                        ResetPending();
                        break;
                    case PullStatusKind.NoResponders:
                        // JetStream is not (yet) answering, e.g. right after a server restart: back off, pull again.
                        NatsJSLog.PullWarning(_context.Logger, _consumer.Stream, _consumer.Name, headers.Code, "no responders");
                        await Task.Delay(noResponderWait, cancellationToken).ConfigureAwait(false);
                        noResponderWait = TimeSpan.FromTicks(Math.Min(noResponderWait.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                        ResetPending();
                        break;
                    case PullStatusKind.ConsumerDeleted:
                        await WaitForRecreateAsync(headers, cancellationToken).ConfigureAwait(false);
                        ResetPending();
                        break;
                    case PullStatusKind.Terminal:
                        NatsJSLog.ConsumeFailed(_context.Logger, _consumer.Stream, _consumer.Name, $"{headers.Code} {headers.MessageText}");
                        throw new NatsJSTerminalStatusException(headers.Code, headers.MessageText);
                    default:
                        NatsJSLog.PullWarning(_context.Logger, _consumer.Stream, _consumer.Name, headers.Code, headers.MessageText);
                        break;
                }
            }
        }
        finally
        {
            connection.Reconnected -= OnReconnected;
        }
    }

    private void OnReconnected(object? sender, NatsEventArgs e) => _reconnected.TrySetResult();

    private void ResetPending()
    {
        _pendingMsgs = 0;
        _pendingBytes = 0;
    }

    private async ValueTask PullAsync(string inbox, TimeSpan heartbeat, CancellationToken cancellationToken)
    {
        var batch = (int)(_opts.MaxMsgs - _pendingMsgs);
        var request = new PullRequest { Batch = batch, Expires = _opts.Expires, IdleHeartbeat = heartbeat };
        try
        {
            await _consumer.PullAsync(inbox, request, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsReconnectBufferFullException)
        {
            // Disconnected and the buffer is full: the reconnect handler pulls again.
            return;
        }

        _pendingMsgs += batch;
    }

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
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(silence);
        var read = reader.WaitToReadAsync(timeout.Token).AsTask();
        var reconnected = _reconnected.Task;
        await Task.WhenAny(read, reconnected).ConfigureAwait(false);
        if (cancellationToken.IsCancellationRequested)
        {
            return WaitOutcome.Cancelled;
        }

        if (read.IsCompletedSuccessfully)
        {
            return read.Result ? WaitOutcome.Ready : WaitOutcome.Completed;
        }

        if (reconnected.IsCompleted)
        {
            await timeout.CancelAsync().ConfigureAwait(false);
            return WaitOutcome.Reconnected;
        }

        if (read.IsFaulted)
        {
            return WaitOutcome.Completed;
        }

        return WaitOutcome.Silent;
    }

    private async Task WaitForRecreateAsync(NatsHeaders headers, CancellationToken cancellationToken)
    {
        var wait = _opts.ConsumerDeletedWait;
        NatsJSLog.ConsumerDeleted(_context.Logger, _consumer.Stream, _consumer.Name, wait);
        var started = Stopwatch.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(100);
        while (Stopwatch.GetElapsedTime(started) < wait)
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
            try
            {
                await _context.GetConsumerInfoAsync(_consumer.Stream, _consumer.Name, cancellationToken).ConfigureAwait(false);
                NatsJSLog.ConsumerRecreated(_context.Logger, _consumer.Stream, _consumer.Name);
                return;
            }
            catch (NatsJSApiException ex) when (ex.ErrorCode is NatsJSErrorCodes.ConsumerNotFound or NatsJSErrorCodes.StreamNotFound)
            {
                // Not back yet.
            }
            catch (NatsException ex) when (ex is NatsRequestTimeoutException or NatsNoRespondersException or NatsConnectionException)
            {
                // JetStream unavailable for the moment: keep waiting.
            }
        }

        NatsJSLog.ConsumeFailed(_context.Logger, _consumer.Stream, _consumer.Name, $"{headers.Code} {headers.MessageText}");
        throw new NatsJSTerminalStatusException(headers.Code, headers.MessageText);
    }
}
