using Fluo.Contracts.Traces;
using Fluo.Rules.Evaluation;

namespace Fluo.Rules;

/// <summary>
/// A rule compiled once by <see cref="RuleCompiler"/>. Immutable and thread-safe: many workers may evaluate the
/// same instance concurrently. Evaluating a trace that passes allocates nothing.
/// </summary>
public sealed class CompiledRule
{
    private readonly Func<EvalContext, bool> _predicate;
    private readonly Func<EvalContext, bool>[] _offending;
    private readonly int _slotCount;

    internal CompiledRule(string expression, RuleScope scope, Func<EvalContext, bool> predicate, Func<EvalContext, bool>[] offending, int slotCount)
    {
        Expression = expression;
        Scope = scope;
        _predicate = predicate;
        _offending = offending;
        _slotCount = slotCount;
    }

    /// <summary>The expression as it was written.</summary>
    public string Expression { get; }

    /// <summary>Whether the rule is tested per span or once per trace.</summary>
    public RuleScope Scope { get; }

    /// <summary>Evaluates the rule on <paramref name="trace"/>. Never throws for odd data: missing attributes and null spans simply do not match.</summary>
    public RuleEvaluation Evaluate(TraceDocument trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var context = EvalContext.Rent(trace, _slotCount);
        try
        {
            return Scope == RuleScope.Span ? EvaluatePerSpan(context) : EvaluateOnce(context);
        }
        finally
        {
            EvalContext.Return(context);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Expression;

    private RuleEvaluation EvaluatePerSpan(EvalContext context)
    {
        List<string>? offending = null;
        var spans = context.Spans;
        for (var i = 0; i < spans.Count; i++)
        {
            if (spans[i] is { } span)
            {
                context.Span = span;
                if (_predicate(context))
                {
                    (offending ??= []).Add(span.SpanId);
                }
            }
        }

        return offending is null ? RuleEvaluation.Passed : new RuleEvaluation(true, offending);
    }

    private RuleEvaluation EvaluateOnce(EvalContext context)
    {
        if (!_predicate(context))
        {
            return RuleEvaluation.Passed;
        }

        var spans = context.Spans;
        var offending = new List<string>();
        if (_offending.Length > 0)
        {
            for (var i = 0; i < spans.Count; i++)
            {
                if (spans[i] is { } span)
                {
                    context.Span = span;
                    if (AnyMatches(_offending, context))
                    {
                        offending.Add(span.SpanId);
                    }
                }
            }
        }

        if (offending.Count == 0)
        {
            AddRoots(spans, offending);
        }

        return new RuleEvaluation(true, offending);
    }

    /// <summary>The spans without a parent; in a partial trace that has none, the spans whose parent is not in the trace.</summary>
    private static void AddRoots(IReadOnlyList<TraceSpan> spans, List<string> into)
    {
        foreach (var span in spans)
        {
            if (span is not null && string.IsNullOrEmpty(span.ParentSpanId))
            {
                into.Add(span.SpanId);
            }
        }

        if (into.Count > 0)
        {
            return;
        }

        var ids = spans.Where(s => s is not null).Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        into.AddRange(spans.Where(s => s is not null && !ids.Contains(s.ParentSpanId!)).Select(s => s.SpanId));
    }

    private static bool AnyMatches(Func<EvalContext, bool>[] predicates, EvalContext context)
    {
        foreach (var predicate in predicates)
        {
            if (predicate(context))
            {
                return true;
            }
        }

        return false;
    }
}
