namespace Fluo.Rules;

/// <summary>
/// Thrown by <see cref="RuleCompiler.Compile"/> when a rule expression does not parse or does not type-check.
/// The location properties describe the first diagnostic; <see cref="Diagnostics"/> lists all of them.
/// </summary>
public sealed class RuleSyntaxException : Exception
{
    /// <summary>Creates the exception from the compiler's diagnostics (at least one).</summary>
    public RuleSyntaxException(IReadOnlyList<RuleDiagnostic> diagnostics)
        : base(Describe(diagnostics))
    {
        Diagnostics = diagnostics;
        var first = diagnostics[0];
        Position = first.Position;
        Length = first.Length;
        Line = first.Line;
        Column = first.Column;
    }

    /// <summary>Creates the exception with a message and no location (prefer the diagnostics constructor).</summary>
    public RuleSyntaxException(string message)
        : this([new RuleDiagnostic(message, 0, 0, 1, 1)])
    {
    }

    /// <summary>Creates the exception with a message and an inner exception (prefer the diagnostics constructor).</summary>
    public RuleSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
        Diagnostics = [new RuleDiagnostic(message, 0, 0, 1, 1)];
        Line = 1;
        Column = 1;
    }

    /// <summary>Creates the exception with no details (prefer the diagnostics constructor).</summary>
    public RuleSyntaxException()
        : this("The rule expression is not valid.")
    {
    }

    /// <summary>Every problem found, in the order of their positions.</summary>
    public IReadOnlyList<RuleDiagnostic> Diagnostics { get; }

    /// <summary>0-based offset of the first problem.</summary>
    public int Position { get; }

    /// <summary>Length of the first problem's text.</summary>
    public int Length { get; }

    /// <summary>1-based line of the first problem.</summary>
    public int Line { get; }

    /// <summary>1-based column of the first problem.</summary>
    public int Column { get; }

    private static string Describe(IReadOnlyList<RuleDiagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (diagnostics.Count == 0)
        {
            throw new ArgumentException("At least one diagnostic is required.", nameof(diagnostics));
        }

        var first = diagnostics[0];
        var more = diagnostics.Count > 1 ? $" (and {diagnostics.Count - 1} more)" : string.Empty;
        return $"Invalid rule at line {first.Line}, column {first.Column}: {first.Message}{more}";
    }
}
