using Fluo.Backend.Hosting;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Jobs;

namespace Fluo.Backend.Jobs;

/// <summary>The jobs endpoints.</summary>
internal static class JobsEndpoints
{
    public static async ValueTask MapJobsAsync(this BackendEndpoints endpoints, JobStore jobs, CancellationToken cancellationToken)
    {
        await endpoints.MapAsync<IdRequest, JobRecord>(BackendSubjects.JobsGet, jobs.GetAsync, cancellationToken: cancellationToken);
        await endpoints.MapAsync<JobListRequest, JobList>(BackendSubjects.JobsList, jobs.ListAsync, () => new JobListRequest(), cancellationToken);
        await endpoints.MapAsync<JobStatus, JobRecord>(BackendSubjects.JobsComplete, jobs.CompleteAsync, cancellationToken: cancellationToken);
        await endpoints.MapAsync<BatchRequest<JobStatus>, BatchReply<JobRecord>>(BackendSubjects.JobsCompleteBatch, jobs.CompleteBatchAsync, cancellationToken: cancellationToken);
    }
}
