namespace Fluo.Rules.Tests;

/// <summary>Trace fields, has/count, which spans a trace-level rule blames, and mixed rules.</summary>
public sealed class TraceLevelTests
{
    [Fact]
    public void Trace_duration_spans_earliest_start_to_latest_end_and_blames_the_root()
    {
        var trace = T.Trace(T.Span("r", ms: 500), T.Span("c", parent: "r", ms: 200, offsetMs: 900));
        Assert.Equal(["r"], T.Offending("trace.duration > 1s", trace));
        Assert.Equal(["r"], T.Offending("trace.duration == 1100ms", trace));
        Assert.Empty(T.Offending("trace.duration > 1100ms", trace));
    }

    [Fact]
    public void Span_count_and_trace_id()
    {
        var trace = T.Trace(T.Span("r"), T.Span("c", parent: "r"), T.Span("d", parent: "r"));
        Assert.Equal(["r"], T.Offending("trace.spanCount >= 3", trace));
        Assert.Empty(T.Offending("trace.spanCount > 3", trace));
        Assert.Equal(["r"], T.Offending($"trace.id == \"{trace.TraceId}\"", trace));
    }

    [Fact]
    public void Count_is_an_alias_of_trace_count()
    {
        var trace = T.Trace(T.Span("r"), T.Span("e1", parent: "r", status: SpanStatus.Error), T.Span("e2", parent: "r", status: SpanStatus.Error));
        Assert.Equal(["e1", "e2"], T.Offending("trace.count(span.status == error) == 2", trace));
        Assert.Equal(["e1", "e2"], T.Offending("count(span.status == error) >= 2", trace));
        Assert.Equal(["e1", "e2"], T.Offending("count(span.status == error) == trace.count(span.status == error)", trace));
    }

    [Fact]
    public void When_no_positive_condition_matches_the_roots_are_blamed()
    {
        var trace = T.Trace(T.Span("r"), T.Span("c", "charge", "r"));
        Assert.Equal(["r"], T.Offending("not trace.has(span.name == \"authorize\")", trace));
        Assert.Equal(["r"], T.Offending("count(span.name == \"authorize\") == 0", trace));
    }

    [Fact]
    public void A_partial_trace_without_a_root_blames_the_spans_whose_parent_is_absent()
    {
        var trace = T.Trace(T.Span("c1", parent: "gone"), T.Span("c2", parent: "c1"), T.Span("c3", parent: "elsewhere"));
        Assert.Equal(["c1", "c3"], T.Offending("trace.spanCount == 3", trace));
    }

    [Fact]
    public void A_span_matched_by_two_conditions_is_blamed_once()
    {
        var trace = T.Trace(T.Span("r"), T.Span("c", "charge", "r", ms: 900));
        Assert.Equal(["c"], T.Offending("trace.has(span.name == \"charge\") and trace.has(span.duration > 500ms)", trace));
    }

    [Fact]
    public void Mixed_rules_are_per_span_and_blame_the_matching_spans()
    {
        const string rule = "span.name == \"charge\" and not trace.has(span.name == \"authorize\")";
        Assert.Equal(RuleScope.Span, RuleCompiler.Compile(rule).Scope);
        Assert.Equal(["c1", "c2"], T.Offending(rule, T.Trace(T.Span("r"), T.Span("c1", "charge", "r"), T.Span("c2", "charge", "r"))));
        Assert.Empty(T.Offending(rule, T.Trace(T.Span("r"), T.Span("a", "authorize", "r"), T.Span("c", "charge", "r"))));

        const string crowded = "span.service == \"cart\" and count(span.service == \"cart\") > 2";
        var trace = T.Trace(T.Span("r", service: "web"), T.Span("a", service: "cart"), T.Span("b", service: "cart"), T.Span("c", service: "cart"));
        Assert.Equal(["a", "b", "c"], T.Offending(crowded, trace));
        Assert.Empty(T.Offending(crowded, T.Trace(T.Span("a", service: "cart"), T.Span("b", service: "cart"))));
    }

    [Fact]
    public void Has_and_count_nest_each_over_the_whole_trace()
    {
        const string rule = "trace.has(span.name == \"a\" and trace.has(span.name == \"b\"))";
        Assert.Equal(["a1"], T.Offending(rule, T.Trace(T.Span("a1", "a"), T.Span("b1", "b", "a1"))));
        Assert.Empty(T.Offending(rule, T.Trace(T.Span("a1", "a"), T.Span("c1", "c", "a1"))));

        // Inside count, 'span' is the span being counted, and the inner count is the same for every one.
        const string counted = "count(span.isRoot or count(span.status == error) > 1) == 3";
        Assert.True(T.Violates(counted, T.Trace(T.Span("r"), T.Span("e1", parent: "r", status: SpanStatus.Error), T.Span("e2", parent: "r", status: SpanStatus.Error))));
        Assert.False(T.Violates(counted, T.Trace(T.Span("r"), T.Span("e1", parent: "r", status: SpanStatus.Error), T.Span("x", parent: "r"))));
    }

    [Fact]
    public void Empty_traces_and_null_spans_do_not_throw()
    {
        var empty = T.Trace();
        Assert.False(T.Violates("span.name == \"x\"", empty));
        var zero = RuleCompiler.Compile("trace.spanCount == 0 and trace.duration == 0ms").Evaluate(empty);
        Assert.True(zero.Violated);
        Assert.Empty(zero.OffendingSpanIds);

        var holey = new TraceDocument("t", [T.Span("a", "x"), null!, T.Span("b", "x", "a")]);
        Assert.Equal(["a", "b"], T.Offending("span.name == \"x\"", holey));
        Assert.Equal(["a", "b"], T.Offending("count(span.name == \"x\") == 2", holey));
        Assert.Equal(["a"], T.Offending("trace.spanCount == 3", holey));
    }

    [Fact]
    public void The_same_rule_evaluates_independent_traces_one_after_another()
    {
        // The per-trace cache must not leak a previous trace's count into the next evaluation.
        var rule = RuleCompiler.Compile("span.isRoot and count(span.name == \"x\") > 1");
        var many = T.Trace(T.Span("r"), T.Span("x1", "x", "r"), T.Span("x2", "x", "r"));
        var few = T.Trace(T.Span("r"), T.Span("x1", "x", "r"));
        for (var i = 0; i < 3; i++)
        {
            Assert.True(rule.Evaluate(many).Violated);
            Assert.False(rule.Evaluate(few).Violated);
        }
    }
}
