namespace Fluo.Nats.KeyValue;

/// <summary>The KV conventions (ADR-8): names, subjects and validation.</summary>
internal static class NatsKVNames
{
    public const string StreamPrefix = "KV_";
    public const string OperationHeader = "KV-Operation";

    public static string Stream(string bucket) => StreamPrefix + bucket;

    public static string SubjectPrefix(string bucket) => $"$KV.{bucket}.";

    public static void ValidateBucket(string bucket)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        foreach (var c in bucket)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-')
            {
                throw new ArgumentException($"Invalid bucket name '{bucket}': letters, digits, '_' and '-' only.", nameof(bucket));
            }
        }
    }

    /// <summary>Keys: <c>-/_=.a-zA-Z0-9</c>, no leading or trailing dot, no empty token; with <paramref name="allowWildcards"/> also <c>*</c> and a final <c>&gt;</c> as whole tokens.</summary>
    public static void ValidateKey(string key, bool allowWildcards = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key[0] == '.' || key[^1] == '.' || key.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid key '{key}': no leading, trailing or double '.'.", nameof(key));
        }

        if (key.StartsWith("_kv", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid key '{key}': the '_kv' prefix is reserved.", nameof(key));
        }

        var tokens = key.Split('.');
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            if (allowWildcards && (token == "*" || (token == ">" && i == tokens.Length - 1)))
            {
                continue;
            }

            foreach (var c in token)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '/' and not '_' and not '=')
                {
                    throw new ArgumentException($"Invalid key '{key}': only letters, digits and '-/_=.' are allowed{(allowWildcards ? ", plus '*' and a final '>' as whole tokens" : string.Empty)}.", nameof(key));
                }
            }
        }
    }

    public static NatsKVOperation Operation(NatsHeaders? headers) =>
        headers?.GetLastValue(OperationHeader) switch
        {
            "DEL" => NatsKVOperation.Del,
            "PURGE" => NatsKVOperation.Purge,
            _ => NatsKVOperation.Put,
        };
}
