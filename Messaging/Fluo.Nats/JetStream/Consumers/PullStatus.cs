using System.Globalization;

namespace Fluo.Nats.JetStream;

/// <summary>What a status message on a pull inbox means (nats-facts §4, ADR-37).</summary>
internal enum PullStatusKind
{
    /// <summary>Not a status: a stream message.</summary>
    None,

    /// <summary><c>100 Idle Heartbeat</c>: liveness only.</summary>
    Heartbeat,

    /// <summary>404/408, <c>409 Message Size Exceeds MaxBytes</c>: this pull is over; subtract its pendings.</summary>
    PullEnded,

    /// <summary><c>409 Leadership Change</c>, <c>409 Server Shutdown</c>: every pull is gone; pull again.</summary>
    Reset,

    /// <summary><c>409 Consumer Deleted</c>.</summary>
    ConsumerDeleted,

    /// <summary><c>503</c>: the pull reached nobody (JetStream not ready yet).</summary>
    NoResponders,

    /// <summary>Logged, not fatal (e.g. <c>409 Exceeded MaxWaiting</c>).</summary>
    Warning,

    /// <summary>Ends the consume: <c>400 Bad Request…</c>, <c>409 Consumer is push based</c>, <c>409 Exceeded MaxRequest…</c>.</summary>
    Terminal,
}

internal static class PullStatus
{
    public static PullStatusKind Classify<T>(in NatsMsg<T> msg)
    {
        if (msg.Headers is not { Code: > 0 } headers || msg.ReplyTo is not null)
        {
            return PullStatusKind.None;
        }

        var text = headers.MessageText;
        return headers.Code switch
        {
            100 => PullStatusKind.Heartbeat,
            404 or 408 => PullStatusKind.PullEnded,
            503 => PullStatusKind.NoResponders,
            400 => PullStatusKind.Terminal,
            409 when text.Contains("Consumer Deleted", StringComparison.OrdinalIgnoreCase) => PullStatusKind.ConsumerDeleted,
            409 when text.Contains("Leadership Change", StringComparison.OrdinalIgnoreCase) => PullStatusKind.Reset,
            409 when text.Contains("Server Shutdown", StringComparison.OrdinalIgnoreCase) => PullStatusKind.Reset,
            409 when text.Contains("Message Size Exceeds MaxBytes", StringComparison.OrdinalIgnoreCase) => PullStatusKind.PullEnded,
            409 when text.Contains("push based", StringComparison.OrdinalIgnoreCase) => PullStatusKind.Terminal,
            409 when text.Contains("Exceeded MaxRequest", StringComparison.OrdinalIgnoreCase) => PullStatusKind.Terminal,
            _ => PullStatusKind.Warning,
        };
    }

    /// <summary>The unfilled part of the pull a 408/409 ended (<c>Nats-Pending-Messages</c>/<c>-Bytes</c>).</summary>
    public static (long Msgs, long Bytes) Pendings(NatsHeaders headers) =>
        (Read(headers, "Nats-Pending-Messages"), Read(headers, "Nats-Pending-Bytes"));

    private static long Read(NatsHeaders headers, string key) =>
        long.TryParse(headers.GetLastValue(key), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
