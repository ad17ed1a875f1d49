using System.Globalization;
using System.Text;

namespace Fluo.Rules.Syntax;

/// <summary>Turns rule text into tokens; throws <see cref="RuleParseException"/> at the first bad character.</summary>
internal static class Lexer
{
    public static List<Token> Tokenize(string source)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            while (i < source.Length && char.IsWhiteSpace(source[i]))
            {
                i++;
            }

            if (i >= source.Length)
            {
                tokens.Add(new Token(TokenKind.End, source.Length, 0, string.Empty));
                return tokens;
            }

            var token = Next(source, i);
            tokens.Add(token);
            i = token.End;
        }
    }

    private static Token Next(string s, int i)
    {
        var c = s[i];
        var next = i + 1 < s.Length ? s[i + 1] : '\0';
        switch (c)
        {
            case '(': return Punct(TokenKind.OpenParen, i, 1);
            case ')': return Punct(TokenKind.CloseParen, i, 1);
            case '[': return Punct(TokenKind.OpenBracket, i, 1);
            case ']': return Punct(TokenKind.CloseBracket, i, 1);
            case '.': return Punct(TokenKind.Dot, i, 1);
            case ',': return Punct(TokenKind.Comma, i, 1);
            case '-': return Punct(TokenKind.Minus, i, 1);
            case '<': return next == '=' ? Punct(TokenKind.LessOrEqual, i, 2) : Punct(TokenKind.Less, i, 1);
            case '>': return next == '=' ? Punct(TokenKind.GreaterOrEqual, i, 2) : Punct(TokenKind.Greater, i, 1);
            case '=' when next == '=': return Punct(TokenKind.Equal, i, 2);
            case '=': throw new RuleParseException(i, 1, "use '==' to compare values");
            case '!' when next == '=': return Punct(TokenKind.NotEqual, i, 2);
            case '!': throw new RuleParseException(i, 1, "use 'not' instead of '!'");
            case '&' when next == '&': throw new RuleParseException(i, 2, "use 'and' instead of '&&'");
            case '|' when next == '|': throw new RuleParseException(i, 2, "use 'or' instead of '||'");
            case '"' or '\'': return ReadString(s, i);
        }

        if (char.IsAsciiDigit(c))
        {
            return ReadNumber(s, i);
        }

        if (char.IsLetter(c) || c == '_')
        {
            var end = i + 1;
            while (end < s.Length && (char.IsLetterOrDigit(s[end]) || s[end] == '_'))
            {
                end++;
            }

            var word = s[i..end];
            var kind = Keywords.Classify(word);
            return new Token(kind, i, end - i, word, Status: kind == TokenKind.Status ? Keywords.StatusOf(word) : default);
        }

        var shown = char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString();
        throw new RuleParseException(i, 1, $"unexpected character '{shown}'");
    }

    private static Token Punct(TokenKind kind, int position, int length) => new(kind, position, length, string.Empty);

    private static Token ReadNumber(string s, int start)
    {
        var i = start;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        if (i < s.Length && s[i] == '.')
        {
            if (i + 1 >= s.Length || !char.IsAsciiDigit(s[i + 1]))
            {
                throw new RuleParseException(i, 1, "expected a digit after the decimal point");
            }

            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }
        }

        var value = double.Parse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        var unitStart = i;
        while (i < s.Length && (char.IsLetter(s[i]) || s[i] == '_'))
        {
            i++;
        }

        if (unitStart == i)
        {
            return new Token(TokenKind.Number, start, i - start, s[start..i], value);
        }

        var unit = s[unitStart..i];
        double? millis = unit switch
        {
            "us" or "µs" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            "m" => value * 60_000,
            "h" => value * 3_600_000,
            _ => null,
        };
        return millis is { } ms
            ? new Token(TokenKind.Duration, start, i - start, s[start..i], ms)
            : throw new RuleParseException(unitStart, i - unitStart, $"unknown duration unit '{unit}' (use us, ms, s, m or h)");
    }

    private static Token ReadString(string s, int start)
    {
        var quote = s[start];
        var value = new StringBuilder();
        var i = start + 1;
        while (true)
        {
            if (i >= s.Length || s[i] is '\n' or '\r')
            {
                throw new RuleParseException(start, i - start, "unterminated string: add the closing " + (quote == '"' ? "'\"'" : "\"'\""));
            }

            var c = s[i];
            if (c == quote)
            {
                return new Token(TokenKind.String, start, i + 1 - start, value.ToString());
            }

            if (c != '\\')
            {
                value.Append(c);
                i++;
                continue;
            }

            if (i + 1 >= s.Length)
            {
                throw new RuleParseException(start, s.Length - start, "unterminated string: add the closing " + (quote == '"' ? "'\"'" : "\"'\""));
            }

            var escape = s[i + 1];
            switch (escape)
            {
                case '\\' or '"' or '\'': value.Append(escape); i += 2; break;
                case 'n': value.Append('\n'); i += 2; break;
                case 'r': value.Append('\r'); i += 2; break;
                case 't': value.Append('\t'); i += 2; break;
                case 'u':
                    if (i + 6 > s.Length || !ushort.TryParse(s.AsSpan(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        throw new RuleParseException(i, Math.Min(6, s.Length - i), "'\\u' must be followed by 4 hex digits");
                    }

                    value.Append((char)code);
                    i += 6;
                    break;
                default:
                    throw new RuleParseException(i, 2, $"unknown escape '\\{escape}' (use \\\\, \\\", \\', \\n, \\r, \\t or \\uXXXX)");
            }
        }
    }
}
