namespace Fluo.Hosting.Dashboard.Telemetry;

/// <summary>In-memory, bounded telemetry of every resource, as received over OTLP.</summary>
public sealed class TelemetryStore
{
    private readonly BoundedLog<StoredSpan> _spans;
    private readonly BoundedLog<StoredLog> _logs;
    private readonly BoundedLog<StoredMetricPoint> _metrics;

    /// <summary>Creates a store with the given limits (defaults when null).</summary>
    public TelemetryStore(TelemetryLimits? limits = null)
    {
        Limits = limits ?? new TelemetryLimits();
        _spans = new BoundedLog<StoredSpan>(Limits.MaxSpans);
        _logs = new BoundedLog<StoredLog>(Limits.MaxLogs);
        _metrics = new BoundedLog<StoredMetricPoint>(Limits.MaxMetricPoints);
    }

    /// <summary>The limits in force.</summary>
    public TelemetryLimits Limits { get; }

    /// <summary>Raised after new telemetry was stored (for live views).</summary>
    public event EventHandler? Changed;

    /// <summary>Raised after new telemetry was stored, saying which traces and services it concerns.</summary>
    public event EventHandler<TelemetryAddedEventArgs>? Added;

    /// <summary>Entries dropped because a limit was reached: spans, logs, metric points.</summary>
    public (long Spans, long Logs, long MetricPoints) Dropped => (_spans.Dropped, _logs.Dropped, _metrics.Dropped);

    /// <summary>Entries held now.</summary>
    public (int Spans, int Logs, int MetricPoints) Counts => (_spans.Count, _logs.Count, _metrics.Count);

    internal void Add(IReadOnlyCollection<StoredSpan> spans, IReadOnlyCollection<StoredLog> logs, IReadOnlyCollection<StoredMetricPoint> points)
    {
        _spans.AddRange(spans);
        _logs.AddRange(logs);
        _metrics.AddRange(points);
        Changed?.Invoke(this, EventArgs.Empty);
        if (Added is { } added && (spans.Count > 0 || logs.Count > 0 || points.Count > 0))
        {
            added(this, new TelemetryAddedEventArgs(
                [.. spans.Select(s => s.TraceId).Distinct(StringComparer.Ordinal)],
                [.. logs.Select(l => l.Service).Distinct(StringComparer.Ordinal)],
                [.. points.Select(p => p.Service).Distinct(StringComparer.Ordinal)]));
        }
    }

    /// <summary>Every span of a trace, ordered by start time.</summary>
    public IReadOnlyList<StoredSpan> GetTrace(string traceId) =>
        _spans.Snapshot(s => s.TraceId == traceId).OrderBy(s => s.Start).ToList();

    /// <summary>The spans of each of <paramref name="traceIds"/> that the store holds, ordered by start time, found in one pass (for following many traces at once).</summary>
    public ILookup<string, StoredSpan> GetTraces(IReadOnlySet<string> traceIds) =>
        _spans.Snapshot(s => traceIds.Contains(s.TraceId)).OrderBy(s => s.Start).ToLookup(s => s.TraceId, StringComparer.Ordinal);

    /// <summary>Traces, newest first.</summary>
    public IReadOnlyList<TraceSummary> GetTraces(int max = 200) =>
        _spans.Snapshot()
            .GroupBy(s => s.TraceId)
            .Select(Summarise)
            .OrderByDescending(t => t.Start)
            .Take(max)
            .ToList();

    /// <summary>Structured logs, newest first, filtered.</summary>
    public IReadOnlyList<StoredLog> GetLogs(string? service = null, int minSeverity = 0, string? text = null, string? traceId = null, int max = 1000) =>
        _logs.Snapshot(l =>
                (service is null || l.Service == service) &&
                l.SeverityNumber >= minSeverity &&
                (traceId is null || l.TraceId == traceId) &&
                (text is null || l.Message.Contains(text, StringComparison.OrdinalIgnoreCase)))
            .OrderByDescending(l => l.Time)
            .Take(max)
            .ToList();

    /// <summary>Metric points of one service (and optionally one instrument), oldest first.</summary>
    public IReadOnlyList<StoredMetricPoint> GetMetrics(string service, string? name = null) =>
        _metrics.Snapshot(p => p.Service == service && (name is null || p.Name == name)).OrderBy(p => p.Time).ToList();

    /// <summary>The services that sent metrics, by name.</summary>
    public IReadOnlyList<string> GetMetricServices() =>
        _metrics.Snapshot().Select(p => p.Service).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    private static TraceSummary Summarise(IGrouping<string, StoredSpan> trace)
    {
        var spans = trace.ToList();
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        var root = spans.Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId)).MinBy(s => s.Start) ?? spans[0];
        var start = spans.Min(s => s.Start);
        var end = spans.Max(s => s.End);
        return new TraceSummary(trace.Key, $"{root.Service}: {root.Name}", spans.Select(s => s.Service).Distinct().Order().ToList(),
            start, end - start, spans.Count, spans.Count(s => s.Status == "Error"));
    }
}

/// <summary>What a batch of telemetry brought: the traces that got spans, the services that sent logs and metrics.</summary>
public sealed class TelemetryAddedEventArgs(IReadOnlyList<string> traceIds, IReadOnlyList<string> logServices, IReadOnlyList<string> metricServices) : EventArgs
{
    /// <summary>Traces that got new spans.</summary>
    public IReadOnlyList<string> TraceIds { get; } = traceIds;

    /// <summary>Services that sent structured logs.</summary>
    public IReadOnlyList<string> LogServices { get; } = logServices;

    /// <summary>Services that sent metric points.</summary>
    public IReadOnlyList<string> MetricServices { get; } = metricServices;
}
