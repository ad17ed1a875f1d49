namespace Fluo.Rules.Syntax;

/// <summary>
/// Recursive-descent parser. Precedence, loosest first: <c>or</c>, <c>and</c>, <c>not</c>, comparison
/// (non-associative), then postfix member access, indexing and calls. Throws <see cref="RuleParseException"/>
/// at the first error.
/// </summary>
internal sealed class Parser
{
    private readonly string _source;
    private readonly List<Token> _tokens;
    private int _index;
    private int _depth;

    private Parser(string source, List<Token> tokens)
    {
        _source = source;
        _tokens = tokens;
    }

    private Token Current => _tokens[_index];

    public static SyntaxNode Parse(string source)
    {
        var parser = new Parser(source, Lexer.Tokenize(source));
        return parser.ParseRule();
    }

    private SyntaxNode ParseRule()
    {
        if (Current.Kind == TokenKind.End)
        {
            throw new RuleParseException(0, 0, "the expression is empty");
        }

        var node = ParseOr();
        var extra = Current;
        return extra.Kind switch
        {
            TokenKind.End => node,
            TokenKind.CloseParen => throw new RuleParseException(extra.Position, 1, "unbalanced ')': there is no '(' to close"),
            _ when IsComparison(extra.Kind) => throw new RuleParseException(extra.Position, extra.Length, "comparisons cannot be chained; join them with 'and'"),
            _ => throw new RuleParseException(extra.Position, extra.Length, $"unexpected {Describe(extra)} after a complete expression; join conditions with 'and' or 'or'"),
        };
    }

    private SyntaxNode ParseOr()
    {
        var left = ParseAnd();
        while (Current.Kind == TokenKind.Or)
        {
            var op = Take();
            left = new BinarySyntax(left, op, ParseAnd());
        }

        return left;
    }

    private SyntaxNode ParseAnd()
    {
        var left = ParseNot();
        while (Current.Kind == TokenKind.And)
        {
            var op = Take();
            left = new BinarySyntax(left, op, ParseNot());
        }

        return left;
    }

    private SyntaxNode ParseNot()
    {
        if (Current.Kind != TokenKind.Not)
        {
            return ParseComparison();
        }

        var not = Take();
        Enter(not);
        var operand = ParseNot();
        _depth--;
        return new NotSyntax(operand, not.Position);
    }

    private SyntaxNode ParseComparison()
    {
        var left = ParsePostfix();
        if (!IsComparison(Current.Kind))
        {
            return left;
        }

        var op = Take();
        var right = ParsePostfix();
        if (IsComparison(Current.Kind))
        {
            throw new RuleParseException(Current.Position, Current.Length, "comparisons cannot be chained; join them with 'and'");
        }

        return new BinarySyntax(left, op, right);
    }

    private SyntaxNode ParsePostfix()
    {
        var node = ParsePrimary();
        while (true)
        {
            switch (Current.Kind)
            {
                case TokenKind.Dot:
                    Take();
                    var member = Current;
                    if (member.Kind is TokenKind.End or TokenKind.String || member.Text.Length == 0 || !char.IsLetter(member.Text[0]))
                    {
                        throw new RuleParseException(member.Position, member.Length, $"expected a field name after '.' but found {Describe(member)}");
                    }

                    Take();
                    node = new MemberSyntax(node, member.Text, member.Position, member.End);
                    break;

                case TokenKind.OpenBracket:
                    var open = Take();
                    var key = Current;
                    if (key.Kind != TokenKind.String)
                    {
                        throw new RuleParseException(key.Position, key.Length, $"expected a quoted attribute name inside '[ ]' but found {Describe(key)}");
                    }

                    Take();
                    var close = Expect(TokenKind.CloseBracket, $"missing ']' to close the '[' at {Where(open.Position)}");
                    node = new IndexSyntax(node, key, close.End);
                    break;

                case TokenKind.OpenParen:
                    var paren = Take();
                    Enter(paren);
                    var arguments = new List<SyntaxNode>();
                    if (Current.Kind != TokenKind.CloseParen)
                    {
                        arguments.Add(ParseOr());
                        while (Current.Kind == TokenKind.Comma)
                        {
                            Take();
                            arguments.Add(ParseOr());
                        }
                    }

                    var end = ExpectClose(paren);
                    _depth--;
                    node = new CallSyntax(node, arguments, end.End);
                    break;

                default:
                    return node;
            }
        }
    }

    private SyntaxNode ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.String or TokenKind.Number or TokenKind.Duration or TokenKind.True or TokenKind.False or TokenKind.Null or TokenKind.Status:
                Take();
                return new LiteralSyntax(token, false, token.Position);

            case TokenKind.Minus:
                Take();
                var number = Current;
                if (number.Kind is not (TokenKind.Number or TokenKind.Duration) || number.Position != token.End)
                {
                    throw new RuleParseException(token.Position, 1, "'-' may only stand directly before a number or duration");
                }

                Take();
                return new LiteralSyntax(number, true, token.Position);

            case TokenKind.Identifier:
                Take();
                return new NameSyntax(token.Text, token.Position, token.End);

            case TokenKind.OpenParen:
                Take();
                Enter(token);
                var inner = ParseOr();
                var close = ExpectClose(token);
                _depth--;
                return new ParenSyntax(inner, token.Position, close.End);

            case TokenKind.End:
                throw new RuleParseException(token.Position, 0, "the expression ends too early: expected a value");

            case TokenKind.CloseParen:
                throw new RuleParseException(token.Position, 1, "expected a value but found ')'");

            default:
                throw new RuleParseException(token.Position, token.Length, $"expected a value but found {Describe(token)}");
        }
    }

    private Token ExpectClose(Token open)
    {
        if (Current.Kind == TokenKind.CloseParen)
        {
            return Take();
        }

        if (Current.Kind == TokenKind.End)
        {
            throw new RuleParseException(open.Position, 1, "unbalanced '(': missing ')'");
        }

        throw new RuleParseException(Current.Position, Current.Length, $"expected ')' to close the '(' at {Where(open.Position)} but found {Describe(Current)}");
    }

    private Token Expect(TokenKind kind, string message)
    {
        if (Current.Kind != kind)
        {
            throw new RuleParseException(Current.Position, Current.Length, message);
        }

        return Take();
    }

    private void Enter(Token token)
    {
        if (++_depth > RuleCompiler.MaxNestingDepth)
        {
            throw new RuleParseException(token.Position, token.Length, $"the expression nests deeper than {RuleCompiler.MaxNestingDepth} levels");
        }
    }

    private Token Take() => _tokens[_index++];

    private string Where(int position)
    {
        var at = RuleDiagnostic.At(_source, position, 0, string.Empty);
        return at.Line == 1 ? $"column {at.Column}" : $"line {at.Line}, column {at.Column}";
    }

    private string Describe(Token token) => token.Kind switch
    {
        TokenKind.End => "the end of the expression",
        TokenKind.String => $"the string {_source.Substring(token.Position, token.Length)}",
        _ => $"'{_source.Substring(token.Position, token.Length)}'",
    };

    internal static bool IsComparison(TokenKind kind) => kind is TokenKind.Equal or TokenKind.NotEqual or TokenKind.Less
        or TokenKind.LessOrEqual or TokenKind.Greater or TokenKind.GreaterOrEqual or TokenKind.Contains
        or TokenKind.StartsWith or TokenKind.EndsWith or TokenKind.Matches;
}
