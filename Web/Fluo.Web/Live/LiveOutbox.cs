using System.Net.WebSockets;

namespace Fluo.Web.Live;

/// <summary>What <see cref="LiveOutbox.Enqueue"/> did with a frame.</summary>
internal enum Queued
{
    /// <summary>Queued behind a drain that is running or scheduled.</summary>
    Behind,

    /// <summary>Queued, and the caller must start a drain (<see cref="LiveOutbox.Drain"/>) or have one started.</summary>
    NeedsDrain,

    /// <summary>Not queued: the queue is at its limit (the client does not read fast enough).</summary>
    Full,

    /// <summary>Not queued: the outbox is closing.</summary>
    Closed,
}

/// <summary>
/// The frames waiting to go to one client and their sending. There is no sending task per connection: a drain runs
/// only while frames are queued, sends everything queued (held back by the <see cref="CorkedStream"/> and written
/// together) and stops. That lets the fan-out of one event queue a frame on a thousand connections and start their
/// drains on a few thread-pool items (<see cref="LiveSendScheduler"/>), instead of waking a thousand waiting tasks; a drain
/// that cannot complete at once (a client's TCP window is full) goes on asynchronously on its own.
/// </summary>
internal sealed partial class LiveOutbox(WebSocket socket, CorkedStream? transport, int capacity, LiveMetrics metrics, ILogger logger)
{
    private readonly Queue<byte[]> _queue = new();
    private readonly TaskCompletionSource<bool> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _draining;
    private long _lastWriteAt;
    private bool _closing;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeReason = "bye";

    /// <summary>Completes when the outbox is done: true once its close frame went out, false when sending failed.</summary>
    public Task<bool> Completion => _completion.Task;

    /// <summary>When a drain last wrote to the socket (<see cref="System.Diagnostics.Stopwatch"/> ticks; 0 before the first).</summary>
    public long LastWriteAt => Volatile.Read(ref _lastWriteAt);

    /// <summary>Queues <paramref name="frame"/>.</summary>
    public Queued Enqueue(byte[] frame)
    {
        lock (_queue)
        {
            if (_closing)
            {
                return Queued.Closed;
            }

            if (_queue.Count >= capacity)
            {
                return Queued.Full;
            }

            _queue.Enqueue(frame);
        }

        return Interlocked.Exchange(ref _draining, 1) == 0 ? Queued.NeedsDrain : Queued.Behind;
    }

    /// <summary>Takes no more frames; what is queued still goes out, then a close frame. False when already closing.</summary>
    public bool Close(WebSocketCloseStatus status, string reason)
    {
        lock (_queue)
        {
            if (_closing)
            {
                return false;
            }

            _closing = true;
            _closeStatus = status;
            _closeReason = reason;
        }

        if (Interlocked.Exchange(ref _draining, 1) == 0)
        {
            Drain();
        }

        return true;
    }

    /// <summary>Sends what is queued; runs synchronously on the caller as far as the socket accepts the frames at once.</summary>
    public void Drain() => _ = DrainAsync();

    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                var frames = 0;
                transport?.Cork();
                try
                {
                    while (TryTake(out var frame))
                    {
                        await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                        frames++;
                    }
                }
                finally
                {
                    if (transport is not null)
                    {
                        await transport.UncorkAsync();
                    }
                }

                if (frames > 0)
                {
                    Volatile.Write(ref _lastWriteAt, System.Diagnostics.Stopwatch.GetTimestamp());
                    // Without the corked transport (the test host), each frame was a write of its own.
                    metrics.Sent(frames, transport is null ? frames : 1);
                }

                if (ClosingAndEmpty(out var status, out var reason))
                {
                    await SendCloseAsync(status, reason);
                    return;
                }

                // Let the next Enqueue start a drain; but one may have queued a frame just before, seeing this one running.
                Volatile.Write(ref _draining, 0);
                lock (_queue)
                {
                    if (_queue.Count == 0 && !_closing)
                    {
                        return;
                    }
                }

                if (Interlocked.Exchange(ref _draining, 1) != 0)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            LogSendFailed(logger, ex.Message);
            lock (_queue)
            {
                _closing = true;
                _queue.Clear();
            }

            _completion.TrySetResult(false);
        }
    }

    private bool TryTake(out byte[] frame)
    {
        lock (_queue)
        {
            return _queue.TryDequeue(out frame!);
        }
    }

    private bool ClosingAndEmpty(out WebSocketCloseStatus status, out string reason)
    {
        lock (_queue)
        {
            (status, reason) = (_closeStatus, _closeReason);
            return _closing && _queue.Count == 0;
        }
    }

    private async Task SendCloseAsync(WebSocketCloseStatus status, string reason)
    {
        var sent = false;
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await socket.CloseOutputAsync(status, reason, timeout.Token);
            sent = true;
        }

        _completion.TrySetResult(sent);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "WebSocket send ended: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, string reason);
}
