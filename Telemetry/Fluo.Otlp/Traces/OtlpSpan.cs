using Fluo.Otlp.Values;
using OpenTelemetry.Proto.Trace.V1;

namespace Fluo.Otlp.Traces;

/// <summary>One OTLP span with its resource and scope folded in, ids as lowercase hex.</summary>
/// <param name="TraceId">32 lowercase hex digits.</param>
/// <param name="SpanId">16 lowercase hex digits.</param>
/// <param name="ParentSpanId">16 lowercase hex digits, or null for a root span.</param>
/// <param name="Name">The span name.</param>
/// <param name="Kind">The span kind as sent (<see cref="Span.Types.SpanKind.Unspecified"/> when none).</param>
/// <param name="ServiceName">The resource's <c>service.name</c>, <c>unknown_service</c> when missing.</param>
/// <param name="ServiceInstanceId">The resource's <c>service.instance.id</c>, when present.</param>
/// <param name="ScopeName">The instrumentation scope (e.g. the ActivitySource name), "" when none.</param>
/// <param name="StartUnixNano">Start, in nanoseconds since the Unix epoch.</param>
/// <param name="EndUnixNano">End, in nanoseconds since the Unix epoch.</param>
/// <param name="StatusCode">The status code (<see cref="Status.Types.StatusCode.Unset"/> when none).</param>
/// <param name="StatusMessage">The status message, null when empty.</param>
/// <param name="Attributes">The span's own attributes (resource attributes are not copied).</param>
/// <param name="Events">The span's events.</param>
/// <param name="Links">The span's links.</param>
public sealed record OtlpSpan(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    Span.Types.SpanKind Kind,
    string ServiceName,
    string? ServiceInstanceId,
    string ScopeName,
    ulong StartUnixNano,
    ulong EndUnixNano,
    Status.Types.StatusCode StatusCode,
    string? StatusMessage,
    IReadOnlyDictionary<string, OtlpValue> Attributes,
    IReadOnlyList<OtlpSpanEvent> Events,
    IReadOnlyList<OtlpSpanLink> Links)
{
    /// <summary>The start time.</summary>
    public DateTimeOffset Start => OtlpTime.ToDateTimeOffset(StartUnixNano);

    /// <summary>The end time.</summary>
    public DateTimeOffset End => OtlpTime.ToDateTimeOffset(EndUnixNano);

    /// <summary>End minus start in milliseconds with fractions; 0 when the end precedes the start.</summary>
    public double DurationMs => EndUnixNano > StartUnixNano ? (EndUnixNano - StartUnixNano) / 1_000_000.0 : 0;
}

/// <summary>An event recorded on a span (exceptions among them).</summary>
public sealed record OtlpSpanEvent(string Name, ulong TimeUnixNano, IReadOnlyDictionary<string, OtlpValue> Attributes)
{
    /// <summary>The event time.</summary>
    public DateTimeOffset Time => OtlpTime.ToDateTimeOffset(TimeUnixNano);
}

/// <summary>A link from a span to another span, possibly in another trace; ids as lowercase hex.</summary>
public sealed record OtlpSpanLink(string TraceId, string SpanId, IReadOnlyDictionary<string, OtlpValue> Attributes);
