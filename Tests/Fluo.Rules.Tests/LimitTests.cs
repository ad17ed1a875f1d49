namespace Fluo.Rules.Tests;

/// <summary>The expression length and nesting limits, at and beyond the edge.</summary>
public sealed class LimitTests
{
    [Fact]
    public void An_expression_of_exactly_the_maximum_length_compiles()
    {
        var prefix = "span.name == \"";
        var rule = prefix + new string('a', RuleCompiler.MaxExpressionLength - prefix.Length - 1) + "\"";
        Assert.Equal(RuleCompiler.MaxExpressionLength, rule.Length);
        Assert.True(RuleCompiler.TryCompile(rule).Success);
    }

    [Fact]
    public void A_longer_expression_is_refused_at_the_limit()
    {
        var rule = "span.name == \"" + new string('a', RuleCompiler.MaxExpressionLength) + "\"";
        var error = T.Error(rule);
        Assert.Equal($"the expression is {rule.Length} characters long; the limit is {RuleCompiler.MaxExpressionLength}", error.Message);
        Assert.Equal((RuleCompiler.MaxExpressionLength, rule.Length - RuleCompiler.MaxExpressionLength), (error.Position, error.Length));
    }

    [Fact]
    public void Nesting_up_to_the_limit_compiles_and_one_more_level_is_refused()
    {
        var depth = RuleCompiler.MaxNestingDepth;
        Assert.True(T.Violates(new string('(', depth) + "span.isRoot" + new string(')', depth), T.Trace(T.Span("r"))));

        var error = T.Error(new string('(', depth + 1) + "span.isRoot" + new string(')', depth + 1));
        Assert.Equal($"the expression nests deeper than {depth} levels", error.Message);
        Assert.Equal((depth, 1), (error.Position, error.Length));

        var nots = T.Error(string.Concat(Enumerable.Repeat("not ", depth + 1)) + "span.isRoot");
        Assert.Equal(depth * 4, nots.Position);

        var calls = T.Error(string.Concat(Enumerable.Repeat("trace.has(", depth + 1)) + "span.isRoot" + new string(')', depth + 1));
        Assert.Equal($"the expression nests deeper than {depth} levels", calls.Message);
    }

    [Fact]
    public void A_long_flat_chain_of_conditions_compiles_and_evaluates()
    {
        // ~4 KB of 'or' terms: flattened, so neither binding nor evaluation recurses per term.
        var terms = Enumerable.Range(0, 250).Select(i => $"span.name == \"n{i}\"").ToList();
        var rule = string.Join(" or ", terms);
        while (rule.Length > RuleCompiler.MaxExpressionLength)
        {
            terms.RemoveAt(terms.Count - 1);
            rule = string.Join(" or ", terms);
        }

        var last = $"n{terms.Count - 1}";
        Assert.Equal(["b"], T.Offending(rule, T.Trace(T.Span("a", "zzz"), T.Span("b", last))));
    }
}
