namespace Fluo.Rules.Syntax;

/// <summary>A node of the parsed expression, covering the source text from <see cref="Start"/> to <see cref="End"/>.</summary>
internal abstract record SyntaxNode(int Start, int End)
{
    public int Length => End - Start;
}

/// <summary>A literal: string, number, duration, true/false, null or a status keyword. <see cref="Negative"/> for <c>-5</c>.</summary>
internal sealed record LiteralSyntax(Token Token, bool Negative, int Start) : SyntaxNode(Start, Token.End)
{
    public double Number => Negative ? -Token.Number : Token.Number;
}

/// <summary>A bare identifier such as <c>span</c>, <c>trace</c> or <c>count</c>.</summary>
internal sealed record NameSyntax(string Name, int Start, int End) : SyntaxNode(Start, End);

/// <summary><c>target.member</c>.</summary>
internal sealed record MemberSyntax(SyntaxNode Target, string Member, int MemberStart, int End) : SyntaxNode(Target.Start, End);

/// <summary><c>target["key"]</c>.</summary>
internal sealed record IndexSyntax(SyntaxNode Target, Token Key, int End) : SyntaxNode(Target.Start, End);

/// <summary><c>callee(arguments)</c>.</summary>
internal sealed record CallSyntax(SyntaxNode Callee, IReadOnlyList<SyntaxNode> Arguments, int End) : SyntaxNode(Callee.Start, End);

/// <summary><c>not operand</c>.</summary>
internal sealed record NotSyntax(SyntaxNode Operand, int Start) : SyntaxNode(Start, Operand.End);

/// <summary><c>left op right</c> for and/or and the comparison operators.</summary>
internal sealed record BinarySyntax(SyntaxNode Left, Token Operator, SyntaxNode Right) : SyntaxNode(Left.Start, Right.End);

/// <summary><c>( inner )</c>, kept so error ranges include the parentheses.</summary>
internal sealed record ParenSyntax(SyntaxNode Inner, int Start, int End) : SyntaxNode(Start, End);
