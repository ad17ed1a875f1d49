namespace Fluo.Rules.Tests.Support;

/// <summary>Terse trace building for rule tests: spans start at a fixed instant plus an offset.</summary>
internal static class T
{
    public static readonly DateTimeOffset Epoch = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static TraceSpan Span(
        string id,
        string name = "op",
        string? parent = null,
        string service = "api",
        double ms = 10,
        SpanStatus status = SpanStatus.Unset,
        double offsetMs = 0,
        params (string Key, object Value)[] attrs) =>
        new(id, parent, name, service, Epoch.AddMilliseconds(offsetMs), ms, status, attrs.Length == 0 ? null : Attributes(attrs));

    public static TraceDocument Trace(params TraceSpan[] spans) => new("0af7651916cd43dd8448eb211c80319c", spans);

    public static Dictionary<string, AttributeValue> Attributes(params (string Key, object Value)[] attrs) =>
        attrs.ToDictionary(a => a.Key, a => a.Value switch
        {
            string s => AttributeValue.FromString(s),
            bool b => AttributeValue.FromBool(b),
            int i => AttributeValue.FromNumber(i),
            double d => AttributeValue.FromNumber(d),
            _ => throw new ArgumentException($"unsupported attribute value {a.Value}"),
        });

    /// <summary>Compiles and evaluates, returning the offending span ids (empty when not violated).</summary>
    public static string[] Offending(string rule, TraceDocument trace)
    {
        var result = RuleCompiler.Compile(rule).Evaluate(trace);
        if (!result.Violated)
        {
            Assert.Empty(result.OffendingSpanIds);
        }

        return [.. result.OffendingSpanIds];
    }

    public static bool Violates(string rule, TraceDocument trace) => RuleCompiler.Compile(rule).Evaluate(trace).Violated;

    /// <summary>The single diagnostic TryCompile reports for <paramref name="rule"/>.</summary>
    public static RuleDiagnostic Error(string rule)
    {
        var result = RuleCompiler.TryCompile(rule);
        Assert.False(result.Success, $"'{rule}' compiled but should not have");
        return Assert.Single(result.Diagnostics);
    }
}
