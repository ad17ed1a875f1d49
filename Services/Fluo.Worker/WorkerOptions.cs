namespace Fluo.Worker;

/// <summary>The worker's settings, from <c>Fluo:Worker</c>.</summary>
public sealed class WorkerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Fluo:Worker";

    /// <summary>
    /// How many jobs one replica processes at once. A job spends most of its time waiting on round trips (the Backend's
    /// batched writes, JetStream acks), so a replica's throughput is about this many divided by a job's duration.
    /// </summary>
    public int Concurrency { get; set; } = 128;

    /// <summary>The first retry delay after a transient failure; doubled per delivery.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest retry delay.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The idle heartbeat of the pulls; the consume counts as stalled after three silent ones.</summary>
    public TimeSpan IdleHeartbeat { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one request to the Backend may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>On shutdown, how long in-flight jobs may run on before they are handed back (nak).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a job runs before its <c>running</c> status is written; a job done sooner goes from <c>queued</c>
    /// straight to its final state in the bucket. Zero writes it at once. Default 200 ms.
    /// </summary>
    public TimeSpan RunningStatusDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the enabled rules are reused before they are listed again.</summary>
    public TimeSpan RulesCacheDuration { get; set; } = TimeSpan.FromSeconds(1);
}
