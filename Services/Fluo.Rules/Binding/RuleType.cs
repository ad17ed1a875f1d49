namespace Fluo.Rules.Binding;

/// <summary>The static type of an expression; <see cref="Error"/> marks a node that already reported a problem.</summary>
internal enum RuleType
{
    Error,
    Bool,
    Number,
    Duration,
    String,
    Status,

    /// <summary>A span attribute: a number, string or bool known only at evaluation time, or missing.</summary>
    Attribute,
    Null,
}

internal static class RuleTypeNames
{
    public static string Name(this RuleType type) => type switch
    {
        RuleType.Bool => "bool",
        RuleType.Number => "number",
        RuleType.Duration => "duration",
        RuleType.String => "string",
        RuleType.Status => "status",
        RuleType.Attribute => "attribute",
        RuleType.Null => "null",
        _ => "error",
    };
}
