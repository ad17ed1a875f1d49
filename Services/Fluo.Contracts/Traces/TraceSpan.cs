using System.Text.Json.Serialization;

namespace Fluo.Contracts.Traces;

/// <summary>One span of a <see cref="TraceDocument"/>, in the compact Fluo form accepted at <c>POST /api/traces</c>.</summary>
/// <param name="SpanId">The span id, 16 lowercase hex digits.</param>
/// <param name="ParentSpanId">The parent's span id, or <see langword="null"/> for a root span.</param>
/// <param name="Name">The span name, e.g. <c>db.query</c>.</param>
/// <param name="Service">The emitting service (<c>service.name</c> of its resource).</param>
/// <param name="Start">When the span started.</param>
/// <param name="DurationMs">How long it lasted, in milliseconds (fractions allowed).</param>
/// <param name="Status">The span status; <see cref="SpanStatus.Unset"/> when the source gave none.</param>
/// <param name="Attributes">The span's attributes (resource attributes are not copied here).</param>
public sealed record TraceSpan(
    string SpanId,
    string? ParentSpanId,
    string Name,
    string Service,
    DateTimeOffset Start,
    double DurationMs,
    SpanStatus Status = SpanStatus.Unset,
    IReadOnlyDictionary<string, AttributeValue>? Attributes = null)
{
    /// <summary>The span's duration.</summary>
    /// <remarks>Not in the JSON, where <c>durationMs</c> says it: every stored span and job payload carried it twice.</remarks>
    [JsonIgnore]
    public TimeSpan Duration => TimeSpan.FromMilliseconds(DurationMs);
}
