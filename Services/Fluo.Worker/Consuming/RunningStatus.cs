using Fluo.Contracts.Jobs;
using Fluo.Worker.Jobs;

namespace Fluo.Worker.Consuming;

/// <summary>
/// A job's <c>running</c> status, written only once the job has run for <see cref="WorkerOptions.RunningStatusDelay"/>:
/// most trace analyses finish in milliseconds, and for them the bucket goes straight from <c>queued</c> to the final
/// state (one write and one watcher delivery fewer per job). Every later write of the job's status settles this first,
/// so a late <c>running</c> can never land after, and overwrite, a newer status.
/// </summary>
internal sealed class RunningStatus : IDisposable
{
    private readonly JobStatusStore _store;
    private readonly JobStatus _running;
    private readonly CancellationToken _abort;
    private readonly Timer? _timer;
    private readonly Lock _gate = new();
    private Task? _put;
    private bool _settled;

    /// <summary>Schedules the write of <paramref name="running"/> after <paramref name="delay"/> (at once when zero).</summary>
    public RunningStatus(JobStatusStore store, JobStatus running, TimeSpan delay, CancellationToken abort)
    {
        (_store, _running, _abort) = (store, running, abort);
        if (delay <= TimeSpan.Zero)
        {
            _put = WriteAsync();
        }
        else
        {
            _timer = new Timer(static state => ((RunningStatus)state!).Fire(), this, delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Cancels the write if it has not started, else waits for it; call before writing any newer status of the job.</summary>
    public Task SettleAsync()
    {
        Task? put;
        lock (_gate)
        {
            _settled = true;
            put = _put;
        }

        _timer?.Dispose();
        return put ?? Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose() => _ = SettleAsync();

    private void Fire()
    {
        lock (_gate)
        {
            if (!_settled)
            {
                _put = WriteAsync();
            }
        }
    }

    // Best effort: the final status is written (and must succeed) either way.
    private async Task WriteAsync()
    {
        try
        {
            await _store.PutAsync(_running with { UpdatedAt = _store.Now }, _abort);
        }
        catch (Exception ex) when (ex is TransientJobException or OperationCanceledException)
        {
        }
    }
}
