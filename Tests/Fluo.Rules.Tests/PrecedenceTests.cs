namespace Fluo.Rules.Tests;

/// <summary>or &lt; and &lt; not &lt; comparison, left to right, parentheses override.</summary>
public sealed class PrecedenceTests
{
    private static readonly TraceDocument Trace = T.Trace(T.Span("r"));

    [Theory]
    [InlineData("true or false and false", true)]        // true or (false and false)
    [InlineData("false and true or true", true)]         // (false and true) or true
    [InlineData("(true or false) and false", false)]
    [InlineData("not false and false", false)]           // (not false) and false
    [InlineData("not (false and false)", true)]
    [InlineData("not false or true", true)]
    [InlineData("not 1 > 2", true)]                      // not (1 > 2)
    [InlineData("not not true", true)]
    [InlineData("not not not true", false)]
    [InlineData("false or false or false or true", true)]
    [InlineData("true and true and true and false", false)]
    [InlineData("((((true))))", true)]
    public void Precedence(string rule, bool violated)
    {
        Assert.Equal(RuleScope.Trace, RuleCompiler.Compile(rule).Scope);
        Assert.Equal(violated, T.Violates(rule, Trace));
    }

    [Fact]
    public void And_binds_tighter_than_or_on_spans()
    {
        var trace = T.Trace(
            T.Span("a", "x", service: "s1", ms: 1),
            T.Span("b", "y", service: "s2", ms: 900),
            T.Span("c", "y", service: "s1", ms: 1));

        // name == "x" or (name == "y" and duration > 500ms)
        Assert.Equal(["a", "b"], T.Offending("span.name == \"x\" or span.name == \"y\" and span.duration > 500ms", trace));

        // (name == "x" or name == "y") and duration > 500ms
        Assert.Equal(["b"], T.Offending("(span.name == \"x\" or span.name == \"y\") and span.duration > 500ms", trace));
        Assert.Equal(["b"], T.Offending("not span.service == \"s1\"", trace));
    }
}
