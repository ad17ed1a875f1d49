using System.Runtime.CompilerServices;

namespace Fluo.Nats;

/// <summary>Validation of subjects and queue group names before anything is sent to the server.</summary>
public static class NatsSubjects
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless <paramref name="subject"/> is a valid subject:
    /// non-empty tokens separated by dots, no whitespace or control characters; wildcards only when
    /// <paramref name="allowWildcards"/> is set (<c>*</c> as a whole token, <c>&gt;</c> as the last token).
    /// </summary>
    public static void Validate(string subject, bool allowWildcards, [CallerArgumentExpression(nameof(subject))] string? paramName = null)
    {
        if (!IsValid(subject, allowWildcards))
        {
            Throw(subject, allowWildcards, paramName);
        }
    }

    /// <summary>True when <paramref name="subject"/> is a valid subject (see <see cref="Validate"/>).</summary>
    public static bool IsValid(string? subject, bool allowWildcards)
    {
        if (string.IsNullOrEmpty(subject))
        {
            return false;
        }

        var tokenStart = 0;
        for (var i = 0; i <= subject.Length; i++)
        {
            if (i < subject.Length && subject[i] != '.')
            {
                var c = subject[i];
                if (c <= ' ' || c == 0x7f)
                {
                    return false;
                }

                continue;
            }

            var length = i - tokenStart;
            if (length == 0)
            {
                return false;
            }

            if (length == 1 && (subject[tokenStart] == '*' || subject[tokenStart] == '>'))
            {
                if (!allowWildcards || (subject[tokenStart] == '>' && i != subject.Length))
                {
                    return false;
                }
            }

            tokenStart = i + 1;
        }

        return true;
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="queueGroup"/> is a valid queue group name.</summary>
    public static void ValidateQueueGroup(string queueGroup, [CallerArgumentExpression(nameof(queueGroup))] string? paramName = null)
    {
        if (string.IsNullOrEmpty(queueGroup))
        {
            throw new ArgumentException("A queue group name must not be empty.", paramName);
        }

        foreach (var c in queueGroup)
        {
            if (c <= ' ' || c == 0x7f)
            {
                throw new ArgumentException($"Invalid queue group name '{queueGroup}': whitespace and control characters are not allowed.", paramName);
            }
        }
    }

    private static void Throw(string? subject, bool allowWildcards, string? paramName)
    {
        var reason = string.IsNullOrEmpty(subject)
            ? "a subject must not be empty"
            : allowWildcards
                ? "tokens must be non-empty, without whitespace, '*' must be a whole token and '>' the last token"
                : "tokens must be non-empty, without whitespace or wildcards";
        throw new ArgumentException($"Invalid subject '{subject}': {reason}.", paramName);
    }
}
