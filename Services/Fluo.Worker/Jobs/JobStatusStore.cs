using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;
using Fluo.Nats;
using Fluo.Nats.KeyValue;

namespace Fluo.Worker.Jobs;

/// <summary>Job status in the <c>fluo_jobs</c> bucket, keyed by the job id in "N" format.</summary>
internal sealed class JobStatusStore(INatsKVContext kv, TimeProvider time)
{
    private INatsKVStore? _store;

    public async Task InitializeAsync(CancellationToken cancellationToken) =>
        _store = await kv.GetStoreAsync(FluoTopology.JobsBucket, cancellationToken);

    public static string Key(Guid jobId) => jobId.ToString("N");

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Writes <paramref name="status"/>; NATS trouble is transient.</summary>
    public async Task PutAsync(JobStatus status, CancellationToken cancellationToken)
    {
        var store = _store ?? throw new InvalidOperationException("The job-status store is not initialised.");
        try
        {
            await store.PutAsync(Key(status.JobId), status, cancellationToken: cancellationToken);
        }
        catch (NatsException ex)
        {
            throw new TransientJobException($"Writing the status of job {status.JobId:N} failed: {ex.Message}", ex);
        }
    }
}
