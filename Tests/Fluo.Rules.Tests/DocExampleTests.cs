namespace Fluo.Rules.Tests;

/// <summary>The examples printed in docs/rules.md compile and behave as the text says.</summary>
public sealed class DocExampleTests
{
    [Theory]
    [InlineData("span.service == \"payments\" and span.status == error", RuleScope.Span)]
    [InlineData("span.attr[\"http.route\"] startsWith \"/api/\" and span.duration > 2s", RuleScope.Span)]
    [InlineData("span.attr[\"db.statement\"] matches \"(?i)^select \\\\* from\"", RuleScope.Span)]
    [InlineData("span.isRoot and span.duration > 3s", RuleScope.Span)]
    [InlineData("trace.duration > 10s", RuleScope.Trace)]
    [InlineData("count(span.name == \"db.query\") > 50 and trace.spanCount < 200", RuleScope.Trace)]
    [InlineData("span.name == \"publish\" and span.attr[\"messaging.destination.name\"] == null", RuleScope.Span)]
    [InlineData("not trace.has(span.service == \"auth\")", RuleScope.Trace)]
    public void Examples_compile(string rule, RuleScope scope)
    {
        var compiled = RuleCompiler.Compile(rule);
        Assert.Equal(scope, compiled.Scope);
        Assert.Equal(rule, compiled.Expression);
        Assert.Equal(rule, compiled.ToString());
    }

    [Fact]
    public void Matches_pattern_with_an_escaped_regex_metacharacter()
    {
        const string rule = "span.attr[\"db.statement\"] matches \"(?i)^select \\\\* from\"";
        var trace = T.Trace(T.Span("a", attrs: ("db.statement", "SELECT * FROM orders")), T.Span("b", attrs: ("db.statement", "select id from orders")));
        Assert.Equal(["a"], T.Offending(rule, trace));
    }

    [Fact]
    public void Passing_trace_returns_the_shared_result()
    {
        var result = RuleCompiler.Compile("span.isRoot and span.duration > 3s").Evaluate(T.Trace(T.Span("r", ms: 5)));
        Assert.Same(RuleEvaluation.Passed, result);
    }
}
