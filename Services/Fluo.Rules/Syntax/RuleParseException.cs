namespace Fluo.Rules.Syntax;

/// <summary>A lexing or parsing error at a location; <see cref="RuleCompiler"/> turns it into a diagnostic.</summary>
internal sealed class RuleParseException(int position, int length, string message) : Exception(message)
{
    public int Position { get; } = position;

    public int Length { get; } = length;
}
