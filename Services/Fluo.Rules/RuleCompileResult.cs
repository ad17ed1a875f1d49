using System.Diagnostics.CodeAnalysis;

namespace Fluo.Rules;

/// <summary>What <see cref="RuleCompiler.TryCompile"/> produced: a rule, or the diagnostics that prevented it.</summary>
public sealed class RuleCompileResult
{
    private RuleCompileResult(CompiledRule? rule, IReadOnlyList<RuleDiagnostic> diagnostics)
    {
        Rule = rule;
        Diagnostics = diagnostics;
    }

    /// <summary>The compiled rule, when the expression was valid.</summary>
    public CompiledRule? Rule { get; }

    /// <summary>The problems found, ordered by position; empty on success.</summary>
    public IReadOnlyList<RuleDiagnostic> Diagnostics { get; }

    /// <summary>Whether the expression compiled (then <see cref="Rule"/> is set).</summary>
    [MemberNotNullWhen(true, nameof(Rule))]
    public bool Success => Rule is not null;

    internal static RuleCompileResult Compiled(CompiledRule rule) => new(rule, []);

    internal static RuleCompileResult Failed(IReadOnlyList<RuleDiagnostic> diagnostics) => new(null, diagnostics);
}
