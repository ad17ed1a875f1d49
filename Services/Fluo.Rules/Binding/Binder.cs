using System.Text.RegularExpressions;
using Fluo.Rules.Syntax;

namespace Fluo.Rules.Binding;

/// <summary>
/// Resolves names and checks types, reporting every problem it finds (an erroneous node becomes a
/// <see cref="BoundError"/> that fits anywhere, so one mistake gives one diagnostic).
/// </summary>
internal sealed class Binder
{
    /// <summary>How long one <c>matches</c> may run before it counts as no match (the engine is linear-time, so this is a backstop).</summary>
    internal static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    private readonly string _source;
    private readonly List<RuleDiagnostic> _diagnostics;
    private int _slots;

    private Binder(string source, List<RuleDiagnostic> diagnostics)
    {
        _source = source;
        _diagnostics = diagnostics;
    }

    /// <summary>Binds a parsed rule; on return <paramref name="diagnostics"/> holds any errors.</summary>
    public static BoundNode Bind(string source, SyntaxNode root, List<RuleDiagnostic> diagnostics, out int slotCount)
    {
        var binder = new Binder(source, diagnostics);
        var bound = binder.BindCondition(root, "a rule must be a condition (true or false)");
        slotCount = binder._slots;
        return bound;
    }

    private BoundNode BindCondition(SyntaxNode syntax, string requirement)
    {
        var bound = Bind(syntax);
        return bound.Type switch
        {
            RuleType.Bool or RuleType.Error => bound,

            // A bare attribute used as a condition means "the attribute is the boolean true".
            RuleType.Attribute => new BoundComparison(TokenKind.Equal, bound, new BoundLiteral(RuleType.Bool, true, syntax), null, syntax),
            _ => Error(syntax, $"{requirement}, but this is a {bound.Type.Name()}{ConditionHint(bound.Type)}"),
        };
    }

    private static string ConditionHint(RuleType type) => type switch
    {
        RuleType.Duration => "; compare it, e.g. > 500ms",
        RuleType.Number => "; compare it, e.g. > 20",
        RuleType.String => "; compare it, e.g. == \"checkout\"",
        RuleType.Status => "; compare it, e.g. == error",
        _ => string.Empty,
    };

    private BoundNode Bind(SyntaxNode syntax) => syntax switch
    {
        LiteralSyntax literal => BindLiteral(literal),
        ParenSyntax paren => Bind(paren.Inner),
        NameSyntax name => BindName(name),
        MemberSyntax member => BindMember(member),
        IndexSyntax index => BindIndex(index),
        CallSyntax call => BindCall(call),
        NotSyntax not => new BoundNot(BindCondition(not.Operand, "'not' needs a condition"), not),
        BinarySyntax { Operator.Kind: TokenKind.And or TokenKind.Or } logical => BindLogical(logical),
        BinarySyntax comparison => BindComparison(comparison),
        _ => throw new InvalidOperationException($"unexpected syntax node {syntax.GetType().Name}"),
    };

    private static BoundLiteral BindLiteral(LiteralSyntax literal) => literal.Token.Kind switch
    {
        TokenKind.String => new BoundLiteral(RuleType.String, literal.Token.Text, literal),
        TokenKind.Number => new BoundLiteral(RuleType.Number, literal.Number, literal),
        TokenKind.Duration => new BoundLiteral(RuleType.Duration, literal.Number, literal),
        TokenKind.True => new BoundLiteral(RuleType.Bool, true, literal),
        TokenKind.False => new BoundLiteral(RuleType.Bool, false, literal),
        TokenKind.Status => new BoundLiteral(RuleType.Status, literal.Token.Status, literal),
        _ => new BoundLiteral(RuleType.Null, null, literal),
    };

    private BoundError BindName(NameSyntax name)
    {
        if (name.Name is "span" or "trace")
        {
            return Error(name, $"'{name.Name}' is not a value on its own; name one of its fields, e.g. {name.Name}.{(name.Name == "span" ? "name" : "duration")}");
        }

        if (Fields.Functions.ContainsKey(name.Name))
        {
            return Error(name, $"'{name.Name}' is a function: write {name.Name}(<condition on span>)");
        }

        if (Fields.Span.ContainsKey(name.Name) || name.Name == Fields.AttributeMember)
        {
            return Error(name, $"unknown name '{name.Name}'; did you mean 'span.{name.Name}'?");
        }

        return Error(name, $"unknown name '{name.Name}'{Suggest(name.Name, ["span", "trace", .. Fields.AllPaths])}");
    }

    private BoundNode BindMember(MemberSyntax member)
    {
        var path = PathOf(member);
        var owner = (member.Target as NameSyntax)?.Name;
        if (owner == "span")
        {
            if (Fields.Span.TryGetValue(member.Member, out var field))
            {
                return new BoundSpanField(field.Field, field.Type, member);
            }

            if (member.Member == Fields.AttributeMember)
            {
                return Error(member, "span.attr needs an attribute name: span.attr[\"http.status_code\"]");
            }
        }
        else if (owner == "trace")
        {
            if (Fields.Trace.TryGetValue(member.Member, out var field))
            {
                return new BoundTraceField(field.Field, field.Type, member);
            }

            if (path is not null && Fields.Functions.ContainsKey(path))
            {
                return Error(member, $"'{path}' is a function: write {path}(<condition on span>)");
            }
        }

        if (path is null)
        {
            return Error(member, "only span and trace have fields");
        }

        var isField = owner is "span" or "trace";
        var known = isField ? $"; {owner} fields are {KnownFields(owner!)}" : string.Empty;
        // A misspelt field is judged by its own length, so 'span.kind' does not suggest 'span.id'.
        var suggestion = isField
            ? Suggest(member.Member, Fields.AllPaths.Where(p => p.StartsWith(owner + ".", StringComparison.Ordinal)).Select(p => p[(owner!.Length + 1)..]), owner + ".")
            : Suggest(path, Fields.AllPaths);
        var message = $"unknown {(isField ? "field" : "name")} '{path}'{(suggestion.Length > 0 ? suggestion : known)}";
        return isField ? Error(member.MemberStart, member.End - member.MemberStart, message) : Error(member, message);
    }

    private static string KnownFields(string owner) => owner == "span"
        ? string.Join(", ", Fields.Span.Keys.Order(StringComparer.Ordinal)) + ", attr[\"key\"]"
        : string.Join(", ", Fields.Trace.Keys.Order(StringComparer.Ordinal)) + ", has(...), count(...)";

    private BoundNode BindIndex(IndexSyntax index)
    {
        if (index.Target is not MemberSyntax { Target: NameSyntax { Name: "span" }, Member: Fields.AttributeMember })
        {
            var target = Bind(index.Target);
            return target is BoundError ? target : Error(index, "only span.attr can be indexed, as span.attr[\"key\"]");
        }

        return index.Key.Text.Length == 0
            ? Error(index, "the attribute name is empty")
            : new BoundAttribute(index.Key.Text, index);
    }

    private BoundNode BindCall(CallSyntax call)
    {
        var path = PathOf(call.Callee);
        if (path is null || !Fields.Functions.TryGetValue(path, out var kind))
        {
            if (IsField(path))
            {
                return Error(call.Callee, $"'{path}' is a field, not a function");
            }

            return Error(call.Callee, path is null
                ? "only trace.has, trace.count and count can be called"
                : $"unknown function '{path}'{Suggest(path, Fields.Functions.Keys)}");
        }

        var example = $"{path}(span.name == \"charge\")";
        if (call.Arguments.Count != 1)
        {
            return Error(call, $"{path} takes one condition on span, e.g. {example}");
        }

        var predicate = BindCondition(call.Arguments[0], $"{path} needs a condition on span, e.g. {example}");
        return predicate is BoundError ? predicate : new BoundAggregate(kind, predicate, _slots++, call);
    }

    private BoundNode BindLogical(BinarySyntax logical)
    {
        var isAnd = logical.Operator.Kind == TokenKind.And;
        var chain = new List<SyntaxNode>();
        Flatten(logical, logical.Operator.Kind, chain);
        var word = isAnd ? "and" : "or";
        var operands = chain.Select(s => BindCondition(s, $"'{word}' needs conditions on both sides")).ToArray();
        return operands.Any(o => o is BoundError) ? new BoundError(logical) : new BoundLogical(isAnd, operands, logical);
    }

    private static void Flatten(SyntaxNode node, TokenKind op, List<SyntaxNode> into)
    {
        // Left-recursive chains like a and b and c are deep on the left; walk them without recursing per term.
        var rights = new Stack<SyntaxNode>();
        while (node is BinarySyntax binary && binary.Operator.Kind == op)
        {
            rights.Push(binary.Right);
            node = binary.Left;
        }

        into.Add(node);
        while (rights.Count > 0)
        {
            var right = rights.Pop();
            if (right is BinarySyntax inner && inner.Operator.Kind == op)
            {
                Flatten(inner, op, into);
            }
            else
            {
                into.Add(right);
            }
        }
    }

    private BoundNode BindComparison(BinarySyntax comparison)
    {
        var op = comparison.Operator;
        var left = Bind(comparison.Left);
        var right = Bind(comparison.Right);
        if (left is BoundError || right is BoundError)
        {
            return new BoundError(comparison);
        }

        var opText = _source.Substring(op.Position, op.Length);
        switch (op.Kind)
        {
            case TokenKind.Contains or TokenKind.StartsWith or TokenKind.EndsWith or TokenKind.Matches:
                if (left.Type is not (RuleType.String or RuleType.Attribute))
                {
                    return Error(comparison.Left, $"'{opText}' needs text on its left, but this is a {left.Type.Name()}");
                }

                if (right.Type != RuleType.String)
                {
                    return Error(comparison.Right, $"'{opText}' needs a string on its right, but this is a {right.Type.Name()}");
                }

                if (op.Kind != TokenKind.Matches)
                {
                    return new BoundComparison(op.Kind, left, right, null, comparison);
                }

                return right is BoundLiteral { Value: string pattern }
                    ? CompilePattern(pattern, comparison, left, right)
                    : Error(comparison.Right, "'matches' needs the pattern as a string literal, e.g. matches \"^GET /api/\"");

            case TokenKind.Equal or TokenKind.NotEqual:
                return CanTestEquality(left.Type, right.Type)
                    ? new BoundComparison(op.Kind, left, right, null, comparison)
                    : Mismatch(comparison, left.Type, right.Type);

            default:
                if (CanOrder(left.Type, right.Type))
                {
                    return new BoundComparison(op.Kind, left, right, null, comparison);
                }

                if (left.Type == right.Type)
                {
                    return Error(op.Position, op.Length, $"'{opText}' compares numbers and durations, not {left.Type.Name()} values");
                }

                return Mismatch(comparison, left.Type, right.Type);
        }
    }

    private static bool CanTestEquality(RuleType left, RuleType right) => (left, right) switch
    {
        (RuleType.Null, RuleType.Null) => false,
        _ when left == right => true,
        (RuleType.Attribute, RuleType.String or RuleType.Number or RuleType.Bool or RuleType.Null) => true,
        (RuleType.String or RuleType.Number or RuleType.Bool or RuleType.Null, RuleType.Attribute) => true,
        (RuleType.String, RuleType.Null) or (RuleType.Null, RuleType.String) => true,
        _ => false,
    };

    private static bool CanOrder(RuleType left, RuleType right) => (left, right) switch
    {
        (RuleType.Number or RuleType.Attribute, RuleType.Number or RuleType.Attribute) => true,
        (RuleType.Duration, RuleType.Duration) => true,
        _ => false,
    };

    private BoundError Mismatch(BinarySyntax comparison, RuleType left, RuleType right)
    {
        var hint = (left, right) switch
        {
            (RuleType.Duration, RuleType.Number) or (RuleType.Number, RuleType.Duration) => "; give the number a unit, e.g. 500ms",
            (RuleType.Status, RuleType.String) or (RuleType.String, RuleType.Status) => "; write the status without quotes: ok, error or unset",
            (RuleType.Attribute, RuleType.Duration) or (RuleType.Duration, RuleType.Attribute) => "; attributes hold numbers, strings or booleans",
            (_, RuleType.Null) or (RuleType.Null, _) => "; only span.parent and span.attr[...] can be null",
            _ => string.Empty,
        };
        return Error(comparison.Right, $"cannot compare {left.Name()} with {right.Name()}{hint}");
    }

    private BoundNode CompilePattern(string pattern, BinarySyntax comparison, BoundNode left, BoundNode right)
    {
        try
        {
            // Non-backtracking: linear in the input, so a hostile pattern cannot stall a worker.
            var regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, RegexTimeout);
            return new BoundComparison(TokenKind.Matches, left, right, regex, comparison);
        }
        catch (NotSupportedException ex)
        {
            return Error(comparison.Right, $"the pattern uses a construct 'matches' does not support (backreferences, lookarounds, atomic groups): {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            return Error(comparison.Right, $"invalid regular expression: {ex.Message}");
        }
    }

    /// <summary>The dotted path of a name or member chain (<c>span.nme</c>), or null for anything else.</summary>
    private static string? PathOf(SyntaxNode node) => node switch
    {
        NameSyntax name => name.Name,
        MemberSyntax member when PathOf(member.Target) is { } target => target + "." + member.Member,
        _ => null,
    };

    private static bool IsField(string? path) => path?.Split('.') switch
    {
        ["span", var field] => Fields.Span.ContainsKey(field) || field == Fields.AttributeMember,
        ["trace", var field] => Fields.Trace.ContainsKey(field),
        _ => false,
    };

    private static string Suggest(string written, IEnumerable<string> candidates, string prefix = "") =>
        Suggestions.Closest(written, candidates) is { } best ? $"; did you mean '{prefix}{best}'?" : string.Empty;

    private BoundError Error(SyntaxNode at, string message) => Error(at.Start, at.Length, message);

    private BoundError Error(int position, int length, string message)
    {
        _diagnostics.Add(RuleDiagnostic.At(_source, position, length, message));
        return new BoundError(new NameSyntax(string.Empty, position, position + length));
    }
}
