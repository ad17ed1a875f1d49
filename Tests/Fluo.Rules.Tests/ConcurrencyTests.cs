namespace Fluo.Rules.Tests;

/// <summary>One compiled rule evaluated by many threads at once gives the same answers as one thread.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Parallel_evaluation_matches_sequential_evaluation()
    {
        var rules = new[]
        {
            RuleCompiler.Compile("span.status == error and count(span.service == \"cart\") > 3 and span.attr[\"code\"] >= 500"),
            RuleCompiler.Compile("trace.has(span.name == \"charge\") and not trace.has(span.name == \"authorize\")"),
            RuleCompiler.Compile("span.duration > 50ms or trace.duration > 400ms"),
        };
        var random = new Random(42);
        var traces = Enumerable.Range(0, 200).Select(_ => RandomTrace(random)).ToArray();
        var expected = rules.Select(rule => traces.Select(trace => rule.Evaluate(trace)).ToArray()).ToArray();
        Assert.Contains(expected.SelectMany(e => e), e => e.Violated);
        Assert.Contains(expected.SelectMany(e => e), e => !e.Violated);

        var mismatches = 0;
        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var round = 0; round < 20; round++)
            {
                for (var i = 0; i < traces.Length; i++)
                {
                    // Each worker walks the traces in its own order and interleaves the rules.
                    var t = (i * (worker + 1) + round) % traces.Length;
                    for (var r = 0; r < rules.Length; r++)
                    {
                        var actual = rules[r].Evaluate(traces[t]);
                        if (actual.Violated != expected[r][t].Violated || !actual.OffendingSpanIds.SequenceEqual(expected[r][t].OffendingSpanIds))
                        {
                            Interlocked.Increment(ref mismatches);
                        }
                    }
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);

        Assert.Equal(0, mismatches);
    }

    private static TraceDocument RandomTrace(Random random)
    {
        string[] names = ["charge", "authorize", "db.query", "GET /cart", "ship"];
        string[] services = ["cart", "payments", "web"];
        var count = random.Next(1, 12);
        var spans = Enumerable.Range(0, count).Select(i => T.Span(
            $"s{i}",
            names[random.Next(names.Length)],
            i == 0 ? null : $"s{random.Next(i)}",
            services[random.Next(services.Length)],
            ms: random.Next(0, 100),
            status: (SpanStatus)random.Next(3),
            offsetMs: random.Next(0, 400),
            attrs: random.Next(2) == 0 ? [] : [("code", random.Next(2) == 0 ? 503 : 200)]));
        return T.Trace([.. spans]);
    }
}
