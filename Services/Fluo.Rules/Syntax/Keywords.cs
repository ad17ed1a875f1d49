using System.Collections.Frozen;
using Fluo.Contracts.Traces;

namespace Fluo.Rules.Syntax;

/// <summary>The reserved words of the language. Keywords are case-sensitive, like field names.</summary>
internal static class Keywords
{
    private static readonly FrozenDictionary<string, TokenKind> Words = new Dictionary<string, TokenKind>(StringComparer.Ordinal)
    {
        ["and"] = TokenKind.And,
        ["or"] = TokenKind.Or,
        ["not"] = TokenKind.Not,
        ["true"] = TokenKind.True,
        ["false"] = TokenKind.False,
        ["null"] = TokenKind.Null,
        ["ok"] = TokenKind.Status,
        ["error"] = TokenKind.Status,
        ["unset"] = TokenKind.Status,
        ["contains"] = TokenKind.Contains,
        ["startsWith"] = TokenKind.StartsWith,
        ["endsWith"] = TokenKind.EndsWith,
        ["matches"] = TokenKind.Matches,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static TokenKind Classify(string word) => Words.TryGetValue(word, out var kind) ? kind : TokenKind.Identifier;

    public static SpanStatus StatusOf(string word) => word switch
    {
        "ok" => SpanStatus.Ok,
        "error" => SpanStatus.Error,
        _ => SpanStatus.Unset,
    };
}
