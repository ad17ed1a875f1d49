using Fluo.Contracts.Jobs;
using Fluo.Nats.JetStream;
using Fluo.Worker.Consuming;

namespace Fluo.Worker.Jobs;

/// <summary>What a handler knows about the delivery it works on, and how it reports progress on long jobs.</summary>
internal sealed class JobContext(NatsJSMsg<ReadOnlyMemory<byte>> msg, JobStatusStore status, RunningStatus running, Guid jobId, JobType type, int attempt)
{
    private Task? _finish;

    public Guid JobId { get; } = jobId;

    public JobType Type { get; } = type;

    /// <summary>The delivery count (1 for the first).</summary>
    public int Attempt { get; } = attempt;

    /// <summary>The job's final status for <paramref name="result"/>.</summary>
    public JobStatus Succeeded(JobResult result) => new(JobId, Type, JobState.Succeeded, 1, Attempt, null, result, status.Now);

    /// <summary>
    /// Writes <paramref name="final"/> as the job's status, after settling its <c>running</c> status so that this write
    /// is the last. Once per delivery: a second call returns the first call's task, so a handler may write it alongside
    /// its own last writes and the processor's call then only waits for it.
    /// </summary>
    public Task FinishAsync(JobStatus final, CancellationToken cancellationToken) => _finish ??= FinishCoreAsync(final, cancellationToken);

    private async Task FinishCoreAsync(JobStatus final, CancellationToken cancellationToken)
    {
        await running.SettleAsync();
        await status.PutAsync(final, cancellationToken);
    }

    /// <summary>Restarts the ack-wait timer (<c>+WPI</c>) and records <paramref name="progress"/> in the job's status.</summary>
    public async Task ReportProgressAsync(double progress, string message, CancellationToken cancellationToken)
    {
        await msg.AckProgressAsync(cancellationToken);
        await running.SettleAsync();
        await status.PutAsync(new JobStatus(JobId, Type, JobState.Running, Math.Clamp(progress, 0, 1), Attempt, message, null, status.Now), cancellationToken);
    }
}
