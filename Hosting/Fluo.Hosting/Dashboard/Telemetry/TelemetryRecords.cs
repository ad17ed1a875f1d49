namespace Fluo.Hosting.Dashboard.Telemetry;

/// <summary>A span as the dashboard shows it.</summary>
public sealed record StoredSpan(
    string TraceId, string SpanId, string? ParentSpanId, string Name, string Kind, string Service, string? InstanceId, string Scope,
    DateTimeOffset Start, DateTimeOffset End, string Status, string? StatusMessage,
    IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<StoredSpanEvent> Events, IReadOnlyList<StoredSpanLink> Links)
{
    /// <summary>Duration of the span.</summary>
    public TimeSpan Duration => End - Start;
}

/// <summary>An event recorded on a span (exceptions among them).</summary>
public sealed record StoredSpanEvent(string Name, DateTimeOffset Time, IReadOnlyDictionary<string, string> Attributes);

/// <summary>A link from a span to another span, possibly in another trace.</summary>
public sealed record StoredSpanLink(string TraceId, string SpanId, IReadOnlyDictionary<string, string> Attributes);

/// <summary>One structured log entry.</summary>
public sealed record StoredLog(
    DateTimeOffset Time, string Service, string? InstanceId, string Category, int SeverityNumber, string Severity, string Message,
    string? TraceId, string? SpanId, IReadOnlyDictionary<string, string> Attributes);

/// <summary>One metric data point; histograms carry their buckets.</summary>
public sealed record StoredMetricPoint(
    string Service, string? InstanceId, string Meter, string Name, string Unit, string Type, DateTimeOffset Time, double? Value,
    long? Count, double? Sum, IReadOnlyList<double>? Bounds, IReadOnlyList<ulong>? BucketCounts, IReadOnlyDictionary<string, string> Attributes);

/// <summary>A trace summarised for the traces list.</summary>
public sealed record TraceSummary(string TraceId, string RootName, IReadOnlyList<string> Services, DateTimeOffset Start, TimeSpan Duration, int SpanCount, int ErrorCount);

/// <summary>How much the store keeps; the oldest entries go first.</summary>
public sealed record TelemetryLimits
{
    /// <summary>Spans kept.</summary>
    public int MaxSpans { get; init; } = 50_000;

    /// <summary>Log entries kept.</summary>
    public int MaxLogs { get; init; } = 50_000;

    /// <summary>Metric points kept.</summary>
    public int MaxMetricPoints { get; init; } = 100_000;

    /// <summary>Largest request body accepted by the receiver.</summary>
    public int MaxRequestBytes { get; init; } = 16 * 1024 * 1024;
}
