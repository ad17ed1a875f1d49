using System.Text.RegularExpressions;
using Fluo.Contracts.Traces;
using Fluo.Rules.Binding;
using Fluo.Rules.Syntax;

namespace Fluo.Rules.Evaluation;

/// <summary>
/// Turns a bound tree into nested delegates once per rule, so evaluation never looks at the tree again.
/// Comparisons against a literal capture the constant instead of calling a delegate for it.
/// </summary>
internal static class Emitter
{
    public static Func<EvalContext, bool> Condition(BoundNode node) => node switch
    {
        BoundLiteral { Value: true } => static _ => true,
        BoundLiteral => static _ => false,
        BoundSpanField { Field: SpanField.IsRoot } => static c => string.IsNullOrEmpty(c.Span.ParentSpanId),
        BoundAggregate { Kind: AggregateKind.Has } has => Has(Condition(has.Predicate), has.Slot),
        BoundNot not => Not(Condition(not.Operand)),
        BoundLogical logical => Logical(logical),
        BoundComparison comparison => Comparison(comparison),
        _ => throw Unexpected(node),
    };

    private static Func<EvalContext, bool> Not(Func<EvalContext, bool> operand) => c => !operand(c);

    private static Func<EvalContext, bool> Logical(BoundLogical logical)
    {
        var operands = logical.Operands.Select(Condition).ToArray();
        if (operands.Length == 2)
        {
            var (a, b) = (operands[0], operands[1]);
            return logical.IsAnd ? c => a(c) && b(c) : c => a(c) || b(c);
        }

        return logical.IsAnd
            ? c =>
            {
                foreach (var operand in operands)
                {
                    if (!operand(c))
                    {
                        return false;
                    }
                }

                return true;
            }
            : c =>
            {
                foreach (var operand in operands)
                {
                    if (operand(c))
                    {
                        return true;
                    }
                }

                return false;
            };
    }

    private static Func<EvalContext, bool> Has(Func<EvalContext, bool> predicate, int slot) => c =>
    {
        if (c.TryGetCached(slot, out var cached))
        {
            return cached != 0;
        }

        var found = false;
        var outer = c.Span;
        var spans = c.Spans;
        for (var i = 0; i < spans.Count; i++)
        {
            if (spans[i] is { } span)
            {
                c.Span = span;
                if (predicate(c))
                {
                    found = true;
                    break;
                }
            }
        }

        c.Span = outer;
        c.Store(slot, found ? 1 : 0);
        return found;
    };

    private static Func<EvalContext, double> Count(Func<EvalContext, bool> predicate, int slot) => c =>
    {
        if (c.TryGetCached(slot, out var cached))
        {
            return cached;
        }

        var count = 0;
        var outer = c.Span;
        var spans = c.Spans;
        for (var i = 0; i < spans.Count; i++)
        {
            if (spans[i] is { } span)
            {
                c.Span = span;
                if (predicate(c))
                {
                    count++;
                }
            }
        }

        c.Span = outer;
        c.Store(slot, count);
        return count;
    };

    /// <summary>A number or a duration (in milliseconds).</summary>
    private static Func<EvalContext, double> Number(BoundNode node) => node switch
    {
        BoundLiteral { Value: double value } => _ => value,
        BoundSpanField { Field: SpanField.Duration } => static c => c.Span.DurationMs,
        BoundTraceField { Field: TraceField.Duration } => static c => c.TraceDurationMs,
        BoundTraceField { Field: TraceField.SpanCount } => static c => c.Spans.Count,
        BoundAggregate { Kind: AggregateKind.Count } count => Count(Condition(count.Predicate), count.Slot),
        _ => throw Unexpected(node),
    };

    private static Func<EvalContext, string?> Text(BoundNode node) => node switch
    {
        BoundLiteral literal => literal.Value is string value ? _ => value : static _ => null,
        BoundSpanField { Field: SpanField.Name } => static c => c.Span.Name,
        BoundSpanField { Field: SpanField.Service } => static c => c.Span.Service,
        BoundSpanField { Field: SpanField.Id } => static c => c.Span.SpanId,
        BoundSpanField { Field: SpanField.Parent } => static c => c.Span.ParentSpanId,
        BoundTraceField { Field: TraceField.Id } => static c => c.Trace.TraceId,
        _ => throw Unexpected(node),
    };

    private static Func<EvalContext, SpanStatus> Status(BoundNode node) => node switch
    {
        BoundLiteral { Value: SpanStatus value } => _ => value,
        BoundSpanField { Field: SpanField.Status } => static c => c.Span.Status,
        _ => throw Unexpected(node),
    };

    /// <summary>An attribute, or a typed value seen as one so it can be compared with an attribute.</summary>
    private static Func<EvalContext, AttributeValue?> Dynamic(BoundNode node)
    {
        switch (node)
        {
            case BoundAttribute attribute:
                var key = attribute.Key;
                return c => c.Span.Attributes is { } attributes && attributes.TryGetValue(key, out var value) ? value : null;
            case BoundLiteral { Value: null }:
                return static _ => null;
            case BoundLiteral { Value: string text }:
                var fromText = AttributeValue.FromString(text);
                return _ => fromText;
            case BoundLiteral { Value: double number }:
                var fromNumber = AttributeValue.FromNumber(number);
                return _ => fromNumber;
            case BoundLiteral { Value: bool flag }:
                var fromBool = AttributeValue.FromBool(flag);
                return _ => fromBool;
        }

        switch (node.Type)
        {
            case RuleType.String:
                var text = Text(node);
                return c => text(c) is { } value ? AttributeValue.FromString(value) : null;
            case RuleType.Number:
                var number = Number(node);
                return c => AttributeValue.FromNumber(number(c));
            case RuleType.Bool:
                var condition = Condition(node);
                return c => AttributeValue.FromBool(condition(c));
            default:
                throw Unexpected(node);
        }
    }

    private static Func<EvalContext, bool> Comparison(BoundComparison comparison)
    {
        var (op, left, right) = (comparison.Operator, comparison.Left, comparison.Right);
        if (left.Type == RuleType.Attribute || right.Type == RuleType.Attribute)
        {
            return AttributeComparison(comparison);
        }

        return left.Type switch
        {
            RuleType.Number or RuleType.Duration => NumberComparison(op, Number(left), right is BoundLiteral { Value: double k } ? k : null, Number(right)),
            RuleType.String or RuleType.Null => TextComparison(op, Text(left), Text(right), comparison.Pattern),
            RuleType.Status => Equality(op, Status(left), Status(right)),
            RuleType.Bool => Equality(op, Condition(left), Condition(right)),
            _ => throw Unexpected(comparison),
        };
    }

    private static Func<EvalContext, bool> NumberComparison(TokenKind op, Func<EvalContext, double> left, double? constant, Func<EvalContext, double> right)
    {
        if (constant is { } k)
        {
            return op switch
            {
                TokenKind.Equal => c => left(c) == k,
                TokenKind.NotEqual => c => left(c) != k,
                TokenKind.Less => c => left(c) < k,
                TokenKind.LessOrEqual => c => left(c) <= k,
                TokenKind.Greater => c => left(c) > k,
                TokenKind.GreaterOrEqual => c => left(c) >= k,
                _ => throw Unexpected(op),
            };
        }

        return op switch
        {
            TokenKind.Equal => c => left(c) == right(c),
            TokenKind.NotEqual => c => left(c) != right(c),
            TokenKind.Less => c => left(c) < right(c),
            TokenKind.LessOrEqual => c => left(c) <= right(c),
            TokenKind.Greater => c => left(c) > right(c),
            TokenKind.GreaterOrEqual => c => left(c) >= right(c),
            _ => throw Unexpected(op),
        };
    }

    private static Func<EvalContext, bool> TextComparison(TokenKind op, Func<EvalContext, string?> left, Func<EvalContext, string?> right, Regex? pattern) => op switch
    {
        TokenKind.Equal => c => string.Equals(left(c), right(c), StringComparison.Ordinal),
        TokenKind.NotEqual => c => !string.Equals(left(c), right(c), StringComparison.Ordinal),
        _ => TextOperator(op, left, right, pattern),
    };

    /// <summary>contains / startsWith / endsWith / matches on text; false when either side is missing.</summary>
    private static Func<EvalContext, bool> TextOperator(TokenKind op, Func<EvalContext, string?> left, Func<EvalContext, string?> right, Regex? pattern) => op switch
    {
        TokenKind.Contains => c => left(c) is { } l && right(c) is { } r && l.Contains(r, StringComparison.Ordinal),
        TokenKind.StartsWith => c => left(c) is { } l && right(c) is { } r && l.StartsWith(r, StringComparison.Ordinal),
        TokenKind.EndsWith => c => left(c) is { } l && right(c) is { } r && l.EndsWith(r, StringComparison.Ordinal),
        TokenKind.Matches => c => left(c) is { } l && IsMatch(pattern!, l),
        _ => throw Unexpected(op),
    };

    private static bool IsMatch(Regex pattern, string input)
    {
        try
        {
            return pattern.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static Func<EvalContext, bool> Equality<T>(TokenKind op, Func<EvalContext, T> left, Func<EvalContext, T> right)
        where T : struct => op switch
    {
        TokenKind.Equal => c => EqualityComparer<T>.Default.Equals(left(c), right(c)),
        TokenKind.NotEqual => c => !EqualityComparer<T>.Default.Equals(left(c), right(c)),
        _ => throw Unexpected(op),
    };

    /// <summary>
    /// Comparisons involving an attribute: a missing attribute makes every comparison false except <c>== null</c>;
    /// a present value of another kind is unequal (so <c>!=</c> is true) and unordered.
    /// </summary>
    private static Func<EvalContext, bool> AttributeComparison(BoundComparison comparison)
    {
        var op = comparison.Operator;
        var left = Dynamic(comparison.Left);
        if (op is TokenKind.Contains or TokenKind.StartsWith or TokenKind.EndsWith or TokenKind.Matches)
        {
            return TextOperator(op, c => left(c) is { Kind: AttributeKind.Text } value ? value.Text : null, Text(comparison.Right), comparison.Pattern);
        }

        if (comparison.Right.Type == RuleType.Null || comparison.Left.Type == RuleType.Null)
        {
            var value = comparison.Left.Type == RuleType.Null ? Dynamic(comparison.Right) : left;
            return op == TokenKind.Equal ? c => !value(c).HasValue : c => value(c).HasValue;
        }

        var right = Dynamic(comparison.Right);
        return op switch
        {
            TokenKind.Equal => c => left(c) is { } l && right(c) is { } r && l == r,
            TokenKind.NotEqual => c => left(c) is { } l && right(c) is { } r && l != r,
            _ => NumberOrdering(op, left, right),
        };
    }

    private static Func<EvalContext, bool> NumberOrdering(TokenKind op, Func<EvalContext, AttributeValue?> left, Func<EvalContext, AttributeValue?> right)
    {
        Func<double, double, bool> compare = op switch
        {
            TokenKind.Less => static (l, r) => l < r,
            TokenKind.LessOrEqual => static (l, r) => l <= r,
            TokenKind.Greater => static (l, r) => l > r,
            TokenKind.GreaterOrEqual => static (l, r) => l >= r,
            _ => throw Unexpected(op),
        };
        return c => left(c) is { Kind: AttributeKind.Number } l && right(c) is { Kind: AttributeKind.Number } r && compare(l.Number, r.Number);
    }

    private static InvalidOperationException Unexpected(object what) => new($"the rule emitter cannot handle {what}");
}
