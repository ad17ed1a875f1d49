using Fluo.Contracts.Traces;

namespace Fluo.Rules.Syntax;

/// <summary>One token: its kind, where it is, and its value for literals.</summary>
/// <param name="Kind">The token kind.</param>
/// <param name="Position">0-based offset of its first character.</param>
/// <param name="Length">Its length in characters.</param>
/// <param name="Text">The identifier or keyword as written, or the decoded string value for string literals.</param>
/// <param name="Number">The value of a number literal, or of a duration literal in milliseconds.</param>
/// <param name="Status">The value of a status keyword.</param>
internal readonly record struct Token(TokenKind Kind, int Position, int Length, string Text, double Number = 0, SpanStatus Status = SpanStatus.Unset)
{
    public int End => Position + Length;
}
