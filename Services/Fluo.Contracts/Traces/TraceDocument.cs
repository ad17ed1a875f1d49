namespace Fluo.Contracts.Traces;

/// <summary>One trace as Fluo stores and analyses it: its id (32 lowercase hex digits) and its spans.</summary>
/// <param name="TraceId">The W3C trace id, 32 lowercase hex digits.</param>
/// <param name="Spans">The spans, in the order they were received.</param>
public sealed record TraceDocument(string TraceId, IReadOnlyList<TraceSpan> Spans);
