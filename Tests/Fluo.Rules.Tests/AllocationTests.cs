namespace Fluo.Rules.Tests;

/// <summary>Evaluating a trace that passes reuses per-thread state and allocates nothing.</summary>
public sealed class AllocationTests
{
    [Theory]
    [InlineData("span.name == \"db.query\" and span.duration > 500ms")]
    [InlineData("span.status == error and span.attr[\"http.status_code\"] >= 500")]
    [InlineData("trace.has(span.name == \"charge\") and not trace.has(span.name == \"authorize\")")]
    [InlineData("span.name == \"charge\" and count(span.service == \"cart\") > 20 and trace.duration > 1s")]
    public void A_passing_trace_allocates_nothing(string expression)
    {
        var rule = RuleCompiler.Compile(expression);
        var trace = T.Trace(
            T.Span("r", "checkout", attrs: ("http.status_code", 200)),
            T.Span("a", "authorize", "r", service: "payments"),
            T.Span("c", "charge", "r", service: "payments", attrs: ("http.status_code", 200)),
            T.Span("q", "db.query", "r", service: "cart", ms: 20));
        for (var i = 0; i < 100; i++)
        {
            Assert.False(rule.Evaluate(trace).Violated);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            rule.Evaluate(trace);
        }

        // Allowance for a stray runtime allocation (tiering); a per-evaluation allocation would be >= 24 KB here.
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024, "evaluating a passing trace allocated");
    }
}
