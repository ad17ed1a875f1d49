using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;
using Fluo.Nats.KeyValue;

namespace Fluo.Api.Backend;

/// <summary>Job status from the <c>fluo_jobs</c> key-value bucket (key: the job id in "N" format).</summary>
public sealed class JobStatusStore(INatsKVContext kv)
{
    private Task<INatsKVStore>? _store;

    /// <summary>The key of a job.</summary>
    public static string KeyOf(Guid jobId) => jobId.ToString("N");

    /// <summary>The job's current status, or null when the bucket has none.</summary>
    public async Task<NatsKVEntry<JobStatus>?> TryGetAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        var store = await StoreAsync(cancellationToken);
        try
        {
            return await store.GetEntryAsync<JobStatus>(KeyOf(jobId), cancellationToken: cancellationToken);
        }
        catch (NatsKVKeyNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The job's current status (if any) and then every update, until cancelled.</summary>
    public async IAsyncEnumerable<NatsKVEntry<JobStatus>> WatchAsync(Guid jobId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var store = await StoreAsync(cancellationToken);
        await foreach (var entry in store.WatchAsync<JobStatus>(KeyOf(jobId), new NatsKVWatchOpts { IgnoreDeletes = true }, cancellationToken: cancellationToken))
        {
            yield return entry;
        }
    }

    private async Task<INatsKVStore> StoreAsync(CancellationToken cancellationToken)
    {
        var store = _store;
        if (store is null || store.IsFaulted || store.IsCanceled)
        {
            store = _store = kv.GetStoreAsync(FluoTopology.JobsBucket, CancellationToken.None).AsTask();
        }

        return await store.WaitAsync(cancellationToken);
    }
}
