namespace Fluo.Rules;

/// <summary>The outcome of evaluating a rule on one trace.</summary>
/// <param name="Violated">Whether the trace violates the rule.</param>
/// <param name="OffendingSpanIds">
/// The spans to blame, in trace order: for a per-span rule the spans that satisfy it; for a trace-level rule the
/// spans matched by the trace.has/count conditions that are not under <c>not</c>, or the root spans when those
/// match none. Empty when the rule is not violated.
/// </param>
public sealed record RuleEvaluation(bool Violated, IReadOnlyList<string> OffendingSpanIds)
{
    /// <summary>The shared result for a trace that does not violate the rule.</summary>
    public static RuleEvaluation Passed { get; } = new(false, []);
}
