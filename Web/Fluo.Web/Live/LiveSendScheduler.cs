using System.Diagnostics;

namespace Fluo.Web.Live;

/// <summary>
/// Starts the drains of the outboxes a fan-out queued frames on, on up to one thread-pool item per core. A connection
/// that was written to less than <see cref="WebOptions.SendCoalescing"/> ago waits out the rest of that window, so under
/// a steady stream of events each client gets several frames per write (one system call on each end instead of one
/// per frame) for at most that much latency; a connection that was quiet is written to at once.
/// </summary>
internal sealed class LiveSendScheduler : IDisposable
{
    // Below this many a shard is not worth a thread-pool item of its own.
    private const int MinShard = 64;

    private readonly TimeSpan _window;
    private readonly Timer _timer;
    private readonly Lock _lock = new();
    private List<LiveOutbox> _deferred = [];
    private bool _armed;

    public LiveSendScheduler(TimeSpan window)
    {
        _window = window > TimeSpan.Zero ? window : TimeSpan.Zero;
        _timer = new Timer(static s => ((LiveSendScheduler)s!).Flush(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Drains <paramref name="outboxes"/> now, or at the end of their window.</summary>
    public void Schedule(List<LiveOutbox> outboxes)
    {
        if (_window == TimeSpan.Zero)
        {
            DrainAll(outboxes);
            return;
        }

        var now = Stopwatch.GetTimestamp();
        List<LiveOutbox>? immediate = null;
        lock (_lock)
        {
            foreach (var outbox in outboxes)
            {
                if (Stopwatch.GetElapsedTime(outbox.LastWriteAt, now) >= _window)
                {
                    (immediate ??= []).Add(outbox);
                }
                else
                {
                    _deferred.Add(outbox);
                }
            }

            if (_deferred.Count > 0 && !_armed)
            {
                _armed = true;
                _timer.Change(_window, Timeout.InfiniteTimeSpan);
            }
        }

        if (immediate is not null)
        {
            DrainAll(immediate);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Flush()
    {
        List<LiveOutbox> due;
        lock (_lock)
        {
            due = _deferred;
            _deferred = [];
            _armed = false;
        }

        DrainAll(due);
    }

    private static void DrainAll(List<LiveOutbox> outboxes)
    {
        if (outboxes.Count == 0)
        {
            return;
        }

        var shards = Math.Clamp(outboxes.Count / MinShard, 1, Environment.ProcessorCount);
        var size = (outboxes.Count + shards - 1) / shards;
        for (var start = 0; start < outboxes.Count; start += size)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static shard =>
            {
                var (all, first, count) = shard;
                for (var i = first; i < first + count; i++)
                {
                    all[i].Drain();
                }
            }, (outboxes, start, Math.Min(size, outboxes.Count - start)), preferLocal: false);
        }
    }
}
