using BenchmarkDotNet.Attributes;
using Fluo.Contracts.Traces;
using Fluo.Rules;

namespace Fluo.Benchmarks.Bdn;

/// <summary>
/// Rules compiled once, evaluated per trace on a typical 10-span trace (a root and nine children with a few
/// attributes). A trace that passes must not allocate; a violation allocates only the offending-id list.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RuleBenchmarks
{
    private const string SlowQuery = "span.name == \"db.query\" and span.duration > 500ms";
    private const string ServerError = "span.status == error and span.attr[\"http.status_code\"] >= 500";
    private const string ChargeWithoutAuthorize = "trace.has(span.name == \"charge\") and not trace.has(span.name == \"authorize\")";
    private const string CrowdedCart = "count(span.service == \"cart\") > 20";
    private const string Mixed = "span.name == \"charge\" and not trace.has(span.name == \"authorize\")";

    private readonly TraceDocument _trace = TenSpans();
    private CompiledRule _slowQuery = null!;
    private CompiledRule _serverError = null!;
    private CompiledRule _chargeWithoutAuthorize = null!;
    private CompiledRule _crowdedCart = null!;
    private CompiledRule _mixed = null!;

    [GlobalSetup]
    public void Setup()
    {
        _slowQuery = RuleCompiler.Compile(SlowQuery);
        _serverError = RuleCompiler.Compile(ServerError);
        _chargeWithoutAuthorize = RuleCompiler.Compile(ChargeWithoutAuthorize);
        _crowdedCart = RuleCompiler.Compile(CrowdedCart);
        _mixed = RuleCompiler.Compile(Mixed);
    }

    /// <summary>Per-span rule, no span matches (the common case): 10 predicate calls.</summary>
    [Benchmark(Baseline = true)]
    public bool SlowQueryPasses() => _slowQuery.Evaluate(_trace).Violated;

    /// <summary>Per-span rule with an attribute lookup; one span violates, so the result lists it.</summary>
    [Benchmark]
    public bool ServerErrorViolated() => _serverError.Evaluate(_trace).Violated;

    /// <summary>Trace-level rule with two has(); the trace has both, so it passes.</summary>
    [Benchmark]
    public bool ChargeWithoutAuthorizePasses() => _chargeWithoutAuthorize.Evaluate(_trace).Violated;

    /// <summary>Trace-level count over all spans.</summary>
    [Benchmark]
    public bool CrowdedCartPasses() => _crowdedCart.Evaluate(_trace).Violated;

    /// <summary>Per-span rule whose trace-level part is computed once per trace, not once per span.</summary>
    [Benchmark]
    public bool MixedPasses() => _mixed.Evaluate(_trace).Violated;

    /// <summary>Compiling a rule: lexing, parsing, type checking and building the delegates.</summary>
    [Benchmark]
    public CompiledRule CompileServerError() => RuleCompiler.Compile(ServerError);

    private static TraceDocument TenSpans()
    {
        var start = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var spans = new List<TraceSpan>
        {
            new("0000000000000001", null, "POST /checkout", "web", start, 420, SpanStatus.Ok,
                new Dictionary<string, AttributeValue> { ["http.status_code"] = AttributeValue.FromNumber(200), ["http.route"] = AttributeValue.FromString("/checkout") }),
        };
        string[] names = ["authorize", "charge", "db.query", "db.query", "GET /cart", "db.query", "publish", "ship", "GET /stock"];
        string[] services = ["payments", "payments", "cart", "cart", "cart", "orders", "orders", "shipping", "stock"];
        for (var i = 0; i < names.Length; i++)
        {
            var failed = i == 4;
            spans.Add(new TraceSpan(
                $"00000000000000{i + 2:x2}",
                "0000000000000001",
                names[i],
                services[i],
                start.AddMilliseconds(10 + (i * 40)),
                20 + (i * 7),
                failed ? SpanStatus.Error : SpanStatus.Ok,
                new Dictionary<string, AttributeValue>
                {
                    ["http.status_code"] = AttributeValue.FromNumber(failed ? 503 : 200),
                    ["peer.service"] = AttributeValue.FromString(services[i]),
                }));
        }

        return new TraceDocument("0af7651916cd43dd8448eb211c80319c", spans);
    }
}
