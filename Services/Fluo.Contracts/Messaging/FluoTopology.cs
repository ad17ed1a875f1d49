using Fluo.Nats.JetStream;
using Fluo.Nats.KeyValue;

namespace Fluo.Contracts.Messaging;

/// <summary>
/// Fluo's streams, consumers and buckets, declared once. Services create them idempotently at start-up with
/// <see cref="EnsureAsync"/>; the replica count comes from configuration (<c>Fluo:Nats:Replicas</c>: 1 on a single
/// server, 3 on a cluster).
/// </summary>
public static class FluoTopology
{
    /// <summary>The work-queue stream of jobs.</summary>
    public const string JobsStream = "JOBS";

    /// <summary>The stream of signal events (interest retention: kept while a consumer still wants them).</summary>
    public const string SignalsStream = "SIGNALS";

    /// <summary>The stream of user and system events.</summary>
    public const string EventsStream = "EVENTS";

    /// <summary>Jobs that failed on every delivery.</summary>
    public const string DeadLetterStream = "DLQ";

    /// <summary>The durable pull consumer the worker replicas share.</summary>
    public const string WorkersConsumer = "workers";

    /// <summary>The key-value bucket of <see cref="Jobs.JobStatus"/> by job id.</summary>
    public const string JobsBucket = "fluo_jobs";

    /// <summary>How often a job is delivered before it is dead-lettered.</summary>
    public const int MaxDeliver = 5;

    /// <summary>How long a worker may hold a job without acking or reporting progress.</summary>
    public static readonly TimeSpan AckWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The window in which a repeated <c>Nats-Msg-Id</c> is dropped: NATS' default of two minutes. It has to outlast the
    /// time from a first publish to its repeat, and the repeats are the relay's (its sweep republishes an unmarked row
    /// after a few seconds, a restarted Api within its start-up) and a retried job's signals. Longer costs nats-server
    /// dearly: it keeps every id of the window in one map, so ten minutes at 1,500 jobs/s is close to a million entries
    /// per stream, re-hashed as the map grows (in a profile at ten minutes, about a tenth of the server's CPU).
    /// </summary>
    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromMinutes(2);

    /// <summary>The JOBS stream.</summary>
    public static StreamConfig Jobs(int replicas) => new(JobsStream, [Subjects.Jobs])
    {
        Description = "Fluo jobs (work queue: each job to exactly one worker)",
        Retention = StreamRetention.WorkQueue,
        Storage = StreamStorage.File,
        MaxAge = TimeSpan.FromHours(24),
        DuplicateWindow = DuplicateWindow,
        NumReplicas = replicas,
    };

    /// <summary>The SIGNALS stream.</summary>
    public static StreamConfig Signals(int replicas) => new(SignalsStream, [Subjects.Signals])
    {
        Description = "Fluo signals: created and status changes",
        Retention = StreamRetention.Interest,
        Storage = StreamStorage.File,
        MaxAge = TimeSpan.FromDays(7),
        DuplicateWindow = DuplicateWindow,
        NumReplicas = replicas,
    };

    /// <summary>The EVENTS stream.</summary>
    public static StreamConfig Events(int replicas) => new(EventsStream, [Subjects.Events])
    {
        Description = "Fluo user and system events",
        Retention = StreamRetention.Limits,
        Storage = StreamStorage.File,
        MaxAge = TimeSpan.FromDays(7),
        NumReplicas = replicas,
    };

    /// <summary>The DLQ stream.</summary>
    public static StreamConfig DeadLetters(int replicas) => new(DeadLetterStream, [Subjects.DeadLetters])
    {
        Description = "Fluo jobs that failed on every delivery, with their original headers and last error",
        Retention = StreamRetention.Limits,
        Storage = StreamStorage.File,
        MaxAge = TimeSpan.FromDays(14),
        NumReplicas = replicas,
    };

    /// <summary>The workers' durable consumer on JOBS.</summary>
    public static ConsumerConfig Workers(int replicas) => new(WorkersConsumer)
    {
        Description = "Fluo workers (shared by every replica)",
        AckPolicy = ConsumerAckPolicy.Explicit,
        AckWait = AckWait,
        MaxDeliver = MaxDeliver,
        MaxAckPending = 10_000,
        NumReplicas = replicas,
    };

    /// <summary>The job-status bucket.</summary>
    public static NatsKVConfig JobStatusBucket(int replicas) => new(JobsBucket)
    {
        Description = "Fluo job status by job id",
        History = 1,
        MaxAge = TimeSpan.FromDays(1),
        Storage = StreamStorage.File,
        NumberOfReplicas = replicas,
    };

    /// <summary>Creates or updates every stream, the workers' consumer and the job-status bucket.</summary>
    public static async Task EnsureAsync(INatsJSContext js, INatsKVContext kv, int replicas, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(js);
        ArgumentNullException.ThrowIfNull(kv);
        foreach (var stream in new[] { Jobs(replicas), Signals(replicas), Events(replicas), DeadLetters(replicas) })
        {
            await js.CreateOrUpdateStreamAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        await js.CreateOrUpdateConsumerAsync(JobsStream, Workers(replicas), cancellationToken).ConfigureAwait(false);
        await kv.CreateOrUpdateStoreAsync(JobStatusBucket(replicas), cancellationToken).ConfigureAwait(false);
    }
}
