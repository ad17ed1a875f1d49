using Fluo.Rules.Binding;
using Fluo.Rules.Evaluation;
using Fluo.Rules.Syntax;

namespace Fluo.Rules;

/// <summary>
/// Compiles rule expressions such as <c>span.name == "db.query" and span.duration &gt; 500ms</c> into
/// <see cref="CompiledRule"/>s. The language is described in docs/rules.md.
/// </summary>
public static class RuleCompiler
{
    /// <summary>The longest expression accepted, in characters.</summary>
    public const int MaxExpressionLength = 4096;

    /// <summary>How deeply parentheses, <c>not</c> and function calls may nest.</summary>
    public const int MaxNestingDepth = 64;

    /// <summary>Compiles <paramref name="expression"/>, throwing <see cref="RuleSyntaxException"/> with the position of the first problem.</summary>
    public static CompiledRule Compile(string expression)
    {
        var result = TryCompile(expression);
        return result.Success ? result.Rule : throw new RuleSyntaxException(result.Diagnostics);
    }

    /// <summary>Compiles <paramref name="expression"/>, returning the rule or every problem found with its position.</summary>
    public static RuleCompileResult TryCompile(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (expression.Length > MaxExpressionLength)
        {
            return Fail(RuleDiagnostic.At(
                expression,
                MaxExpressionLength,
                expression.Length - MaxExpressionLength,
                $"the expression is {expression.Length} characters long; the limit is {MaxExpressionLength}"));
        }

        SyntaxNode syntax;
        try
        {
            syntax = Parser.Parse(expression);
        }
        catch (RuleParseException ex)
        {
            return Fail(RuleDiagnostic.At(expression, ex.Position, ex.Length, ex.Message));
        }

        var diagnostics = new List<RuleDiagnostic>();
        var bound = Binder.Bind(expression, syntax, diagnostics, out var slotCount);
        if (diagnostics.Count > 0)
        {
            return RuleCompileResult.Failed([.. diagnostics.OrderBy(d => d.Position)]);
        }

        var scope = bound.UsesSpan ? RuleScope.Span : RuleScope.Trace;
        var offending = scope == RuleScope.Trace ? OffendingPredicates(bound) : [];
        return RuleCompileResult.Compiled(new CompiledRule(expression, scope, Emitter.Condition(bound), offending, slotCount));
    }

    private static RuleCompileResult Fail(RuleDiagnostic diagnostic) => RuleCompileResult.Failed([diagnostic]);

    /// <summary>The conditions of the trace.has/count calls not under an odd number of <c>not</c>s: the spans they match are blamed.</summary>
    private static Func<EvalContext, bool>[] OffendingPredicates(BoundNode root)
    {
        var predicates = new List<BoundNode>();
        Collect(root, positive: true);
        return [.. predicates.Select(Emitter.Condition)];

        void Collect(BoundNode node, bool positive)
        {
            switch (node)
            {
                case BoundAggregate aggregate when positive:
                    predicates.Add(aggregate.Predicate);
                    break;
                case BoundNot not:
                    Collect(not.Operand, !positive);
                    break;
                case BoundLogical logical:
                    foreach (var operand in logical.Operands)
                    {
                        Collect(operand, positive);
                    }

                    break;
                case BoundComparison comparison:
                    Collect(comparison.Left, positive);
                    Collect(comparison.Right, positive);
                    break;
            }
        }
    }
}
