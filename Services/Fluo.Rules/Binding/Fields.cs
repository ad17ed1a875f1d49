using System.Collections.Frozen;

namespace Fluo.Rules.Binding;

/// <summary>The fields of a span that rules can read.</summary>
internal enum SpanField
{
    Name,
    Service,
    Duration,
    Status,
    Id,
    Parent,
    IsRoot,
}

/// <summary>The fields of the whole trace that rules can read.</summary>
internal enum TraceField
{
    Duration,
    SpanCount,
    Id,
}

/// <summary>The functions over the spans of a trace.</summary>
internal enum AggregateKind
{
    Has,
    Count,
}

/// <summary>The name tables the binder resolves against (and suggests from).</summary>
internal static class Fields
{
    public static readonly FrozenDictionary<string, (SpanField Field, RuleType Type)> Span = new Dictionary<string, (SpanField, RuleType)>(StringComparer.Ordinal)
    {
        ["name"] = (SpanField.Name, RuleType.String),
        ["service"] = (SpanField.Service, RuleType.String),
        ["duration"] = (SpanField.Duration, RuleType.Duration),
        ["status"] = (SpanField.Status, RuleType.Status),
        ["id"] = (SpanField.Id, RuleType.String),
        ["parent"] = (SpanField.Parent, RuleType.String),
        ["isRoot"] = (SpanField.IsRoot, RuleType.Bool),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static readonly FrozenDictionary<string, (TraceField Field, RuleType Type)> Trace = new Dictionary<string, (TraceField, RuleType)>(StringComparer.Ordinal)
    {
        ["duration"] = (TraceField.Duration, RuleType.Duration),
        ["spanCount"] = (TraceField.SpanCount, RuleType.Number),
        ["id"] = (TraceField.Id, RuleType.String),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Functions by their full name as written; <c>count</c> is short for <c>trace.count</c>.</summary>
    public static readonly FrozenDictionary<string, AggregateKind> Functions = new Dictionary<string, AggregateKind>(StringComparer.Ordinal)
    {
        ["trace.has"] = AggregateKind.Has,
        ["trace.count"] = AggregateKind.Count,
        ["count"] = AggregateKind.Count,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public const string AttributeMember = "attr";

    /// <summary>Every path a rule may write, for suggestions on unknown names.</summary>
    public static readonly string[] AllPaths =
    [
        .. Span.Keys.Select(k => "span." + k),
        "span." + AttributeMember,
        .. Trace.Keys.Select(k => "trace." + k),
        .. Functions.Keys,
    ];
}
