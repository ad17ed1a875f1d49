using Fluo.Backend.Client;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Jobs;
using Fluo.Worker.Telemetry;

namespace Fluo.Worker.Batching;

/// <summary>Records jobs' final states with the Backend (<c>jobs.complete</c>), concurrent ones in one <c>jobs.complete.batch</c> request.</summary>
internal sealed class JobCompletions(BackendClient backend, WorkerMetrics metrics)
    : BackendBatcher<JobStatus, JobRecord>(backend, BackendSubjects.JobsCompleteBatch, metrics)
{
    /// <summary>Records <paramref name="status"/>; returns the job as the Backend now keeps it.</summary>
    /// <exception cref="BackendException">The Backend refused this status (404, 409, ...) or could not be asked.</exception>
    public Task<JobRecord> CompleteAsync(JobStatus status, CancellationToken cancellationToken) => SendAsync(status, cancellationToken);
}
