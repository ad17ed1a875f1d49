namespace Fluo.Api;

/// <summary>The Api's settings (section <c>Fluo:Api</c>).</summary>
public sealed class ApiOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Fluo:Api";

    /// <summary>Largest JSON request body accepted; larger ones get 413. Default 4 MiB.</summary>
    public int MaxRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest OTLP request body accepted (after gzip); larger ones get 413. Default 16 MiB.</summary>
    public int MaxOtlpRequestBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How long a query waits for the backend before answering 503.</summary>
    public TimeSpan BackendTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Outbox rows the relay publishes per batch.</summary>
    public int RelayBatchSize { get; set; } = 500;

    /// <summary>How often the relay sweeps the table for unsent rows the in-memory hand-over did not carry.</summary>
    public TimeSpan RelayPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Unsent rows older than this belong to the sweep; younger ones to the in-memory hand-over of the process that
    /// wrote them (so the two do not publish the same row). Default 2 s.
    /// </summary>
    public TimeSpan RelaySweepAge { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long the trace intake lets a small batch (under 16 traces) wait for more requests before writing it. Requests
    /// written together cost one transaction, and their jobs travel together through the relay, the workers and the
    /// Backend, so a few milliseconds here save many wake-ups at moderate load. Zero writes at once. Default 20 ms: at 500
    /// traces/s that gathers about ten traces a batch instead of two or three, and the machine's CPU per trace fell by 5-7%
    /// against 5 ms, for about 5 ms more on the median accept (session 16).
    /// </summary>
    public TimeSpan IntakeLinger { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How long published rows may wait to be marked sent (deleted from the outbox), so that one DELETE marks what several
    /// publishes sent. Well under <see cref="RelaySweepAge"/>: a row still unmarked at that age is published again (and
    /// dropped by the stream as a duplicate). Default 50 ms.
    /// </summary>
    public TimeSpan RelayMarkDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Traces a rule back-test runs on.</summary>
    public int BacktestSampleSize { get; set; } = 200;

    /// <summary>Time between heartbeat comments on a job's event stream.</summary>
    public TimeSpan SseHeartbeat { get; set; } = TimeSpan.FromSeconds(15);
}
