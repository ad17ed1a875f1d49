using System.Text.RegularExpressions;
using Fluo.Rules.Syntax;

namespace Fluo.Rules.Binding;

/// <summary>
/// A type-checked node. <see cref="UsesSpan"/> is true when its value depends on the current span outside any
/// trace.has/count (so a rule whose root uses the span is evaluated per span).
/// </summary>
internal abstract record BoundNode(RuleType Type, bool UsesSpan, SyntaxNode Syntax);

/// <summary>A node that already reported an error; it type-checks as anything so errors do not cascade.</summary>
internal sealed record BoundError(SyntaxNode Syntax) : BoundNode(RuleType.Error, false, Syntax);

/// <summary>A constant: double for numbers and durations (milliseconds), string, bool, SpanStatus or null.</summary>
internal sealed record BoundLiteral(RuleType Type, object? Value, SyntaxNode Syntax) : BoundNode(Type, false, Syntax);

/// <summary><c>span.&lt;field&gt;</c>.</summary>
internal sealed record BoundSpanField(SpanField Field, RuleType Type, SyntaxNode Syntax) : BoundNode(Type, true, Syntax);

/// <summary><c>span.attr["key"]</c>.</summary>
internal sealed record BoundAttribute(string Key, SyntaxNode Syntax) : BoundNode(RuleType.Attribute, true, Syntax);

/// <summary><c>trace.&lt;field&gt;</c>.</summary>
internal sealed record BoundTraceField(TraceField Field, RuleType Type, SyntaxNode Syntax) : BoundNode(Type, false, Syntax);

/// <summary><c>trace.has(predicate)</c> or <c>count(predicate)</c>; its value is cached per evaluation in <paramref name="Slot"/>.</summary>
internal sealed record BoundAggregate(AggregateKind Kind, BoundNode Predicate, int Slot, SyntaxNode Syntax)
    : BoundNode(Kind == AggregateKind.Has ? RuleType.Bool : RuleType.Number, false, Syntax);

/// <summary>An and/or chain, flattened.</summary>
internal sealed record BoundLogical(bool IsAnd, IReadOnlyList<BoundNode> Operands, SyntaxNode Syntax)
    : BoundNode(RuleType.Bool, Operands.Any(o => o.UsesSpan), Syntax);

/// <summary><c>not operand</c>.</summary>
internal sealed record BoundNot(BoundNode Operand, SyntaxNode Syntax) : BoundNode(RuleType.Bool, Operand.UsesSpan, Syntax);

/// <summary>A comparison; <paramref name="Pattern"/> is the compiled regex of <c>matches</c>.</summary>
internal sealed record BoundComparison(TokenKind Operator, BoundNode Left, BoundNode Right, Regex? Pattern, SyntaxNode Syntax)
    : BoundNode(RuleType.Bool, Left.UsesSpan || Right.UsesSpan, Syntax);
