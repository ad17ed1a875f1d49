namespace Fluo.Rules.Tests;

/// <summary>The four examples from the issue, on traces that violate them and traces that do not.</summary>
public sealed class ExampleRuleTests
{
    [Fact]
    public void Slow_db_query_blames_only_slow_db_spans()
    {
        const string rule = "span.name == \"db.query\" and span.duration > 500ms";
        var trace = T.Trace(
            T.Span("a1", "GET /cart", ms: 900),
            T.Span("b1", "db.query", "a1", ms: 501),
            T.Span("b2", "db.query", "a1", ms: 500),
            T.Span("b3", "db.query", "a1", ms: 800));

        Assert.Equal(["b1", "b3"], T.Offending(rule, trace));
        Assert.Equal(RuleScope.Span, RuleCompiler.Compile(rule).Scope);
    }

    [Fact]
    public void Fast_db_queries_pass()
    {
        var trace = T.Trace(T.Span("a1", "GET /cart", ms: 900), T.Span("b1", "db.query", "a1", ms: 499.9));
        var result = RuleCompiler.Compile("span.name == \"db.query\" and span.duration > 500ms").Evaluate(trace);
        Assert.False(result.Violated);
        Assert.Empty(result.OffendingSpanIds);
    }

    [Fact]
    public void Error_status_with_5xx_code_is_violated_per_span()
    {
        const string rule = "span.status == error and span.attr[\"http.status_code\"] >= 500";
        var trace = T.Trace(
            T.Span("a1", status: SpanStatus.Error, attrs: ("http.status_code", 503)),
            T.Span("a2", status: SpanStatus.Ok, attrs: ("http.status_code", 503)),
            T.Span("a3", status: SpanStatus.Error, attrs: ("http.status_code", 404)),
            T.Span("a4", status: SpanStatus.Error),
            T.Span("a5", status: SpanStatus.Error, attrs: ("http.status_code", 500)));

        Assert.Equal(["a1", "a5"], T.Offending(rule, trace));
    }

    [Fact]
    public void Error_status_without_5xx_passes()
    {
        const string rule = "span.status == error and span.attr[\"http.status_code\"] >= 500";
        var trace = T.Trace(T.Span("a1", status: SpanStatus.Error, attrs: ("http.status_code", 499)), T.Span("a2", status: SpanStatus.Ok, attrs: ("http.status_code", 500)));
        Assert.Empty(T.Offending(rule, trace));
    }

    [Fact]
    public void Charge_without_authorize_blames_the_charge_spans()
    {
        const string rule = "trace.has(span.name == \"charge\") and not trace.has(span.name == \"authorize\")";
        var trace = T.Trace(T.Span("r", "checkout"), T.Span("c1", "charge", "r"), T.Span("x", "ship", "r"), T.Span("c2", "charge", "r"));

        Assert.Equal(RuleScope.Trace, RuleCompiler.Compile(rule).Scope);
        Assert.Equal(["c1", "c2"], T.Offending(rule, trace));
    }

    [Fact]
    public void Charge_with_authorize_passes_and_so_does_no_charge()
    {
        const string rule = "trace.has(span.name == \"charge\") and not trace.has(span.name == \"authorize\")";
        Assert.False(T.Violates(rule, T.Trace(T.Span("r", "checkout"), T.Span("a", "authorize", "r"), T.Span("c", "charge", "r"))));
        Assert.False(T.Violates(rule, T.Trace(T.Span("r", "checkout"), T.Span("x", "ship", "r"))));
    }

    [Fact]
    public void More_than_twenty_cart_spans_blames_the_cart_spans()
    {
        const string rule = "count(span.service == \"cart\") > 20";
        var spans = new List<TraceSpan> { T.Span("root", service: "web") };
        spans.AddRange(Enumerable.Range(0, 21).Select(i => T.Span($"c{i}", parent: "root", service: "cart")));
        spans.Add(T.Span("other", parent: "root", service: "payments"));

        Assert.Equal(Enumerable.Range(0, 21).Select(i => $"c{i}"), T.Offending(rule, T.Trace([.. spans])));
    }

    [Fact]
    public void Twenty_cart_spans_pass()
    {
        var spans = Enumerable.Range(0, 20).Select(i => T.Span($"c{i}", service: "cart")).Append(T.Span("w", service: "web")).ToArray();
        Assert.False(T.Violates("count(span.service == \"cart\") > 20", T.Trace(spans)));
    }
}
