using System.Globalization;

namespace Fluo.Nats.JetStream;

/// <summary>Delivery facts carried in a JetStream message's <c>$JS.ACK…</c> reply subject.</summary>
/// <param name="Stream">The stream.</param>
/// <param name="Consumer">The consumer.</param>
/// <param name="NumDelivered">How often this message has been delivered (1 the first time).</param>
/// <param name="StreamSequence">Sequence in the stream.</param>
/// <param name="ConsumerSequence">Sequence of this delivery in the consumer.</param>
/// <param name="Timestamp">When the stream stored the message.</param>
/// <param name="NumPending">Messages left for the consumer after this one.</param>
/// <param name="Domain">The JetStream domain (v2 subjects only), or null.</param>
public sealed record NatsJSMsgMetadata(
    string Stream, string Consumer, ulong NumDelivered, ulong StreamSequence, ulong ConsumerSequence,
    DateTimeOffset Timestamp, ulong NumPending, string? Domain)
{
    /// <summary>
    /// Parses <c>$JS.ACK.&lt;stream&gt;.&lt;consumer&gt;.&lt;delivered&gt;.&lt;sseq&gt;.&lt;cseq&gt;.&lt;ts&gt;.&lt;pending&gt;</c>
    /// (9 tokens, what 2.9 sends) or the v2 form with domain and account hash (11 or more tokens).
    /// </summary>
    public static NatsJSMsgMetadata? Parse(string? replyTo)
    {
        if (replyTo is null || !replyTo.StartsWith("$JS.ACK.", StringComparison.Ordinal))
        {
            return null;
        }

        var tokens = replyTo.Split('.');
        int first;
        string? domain = null;
        if (tokens.Length == 9)
        {
            first = 2;
        }
        else if (tokens.Length >= 11)
        {
            first = 4;
            domain = tokens[2] is "_" or "" ? null : tokens[2];
        }
        else
        {
            return null;
        }

        if (!ulong.TryParse(tokens[first + 2], NumberStyles.None, CultureInfo.InvariantCulture, out var delivered) ||
            !ulong.TryParse(tokens[first + 3], NumberStyles.None, CultureInfo.InvariantCulture, out var streamSeq) ||
            !ulong.TryParse(tokens[first + 4], NumberStyles.None, CultureInfo.InvariantCulture, out var consumerSeq) ||
            !long.TryParse(tokens[first + 5], NumberStyles.None, CultureInfo.InvariantCulture, out var nanos) ||
            !ulong.TryParse(tokens[first + 6], NumberStyles.None, CultureInfo.InvariantCulture, out var pending))
        {
            return null;
        }

        var timestamp = DateTimeOffset.UnixEpoch.AddTicks(nanos / 100);
        return new NatsJSMsgMetadata(tokens[first], tokens[first + 1], delivered, streamSeq, consumerSeq, timestamp, pending, domain);
    }
}
