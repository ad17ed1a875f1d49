namespace Fluo.Web;

/// <summary>The dashboard's settings (<c>Fluo:Web</c>).</summary>
public sealed class WebOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Fluo:Web";

    /// <summary>The first admin's password (user <c>admin</c>); seeded only when the user does not exist yet.</summary>
    public string? AdminPassword { get; set; }

    /// <summary>The first admin's user name.</summary>
    public string AdminUser { get; set; } = "admin";

    /// <summary>How often the gateway pings each WebSocket; a peer that does not answer within the same time is closed.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a WebSocket may stay unauthenticated.</summary>
    public TimeSpan AuthenticateTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the metrics channel gets a sample.</summary>
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Open WebSockets per user.</summary>
    public int MaxConnectionsPerUser { get; set; } = 5;

    /// <summary>Subscriptions per WebSocket.</summary>
    public int MaxSubscriptionsPerConnection { get; set; } = 50;

    /// <summary>Largest client frame in bytes.</summary>
    public int MaxFrameBytes { get; set; } = 1024 * 1024;

    /// <summary>Client frames per second per WebSocket; the excess is refused.</summary>
    public int MaxMessagesPerSecond { get; set; } = 100;

    /// <summary>Frames queued for a slow WebSocket before it is closed.</summary>
    public int SendQueueLength { get; set; } = 4096;

    /// <summary>
    /// Live events for a WebSocket written to less than this long ago wait out the rest of it and go out together
    /// (fewer, larger writes under load); a quiet socket is written to at once. Zero sends every event at once.
    /// </summary>
    public TimeSpan SendCoalescing { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>Most events one <c>since</c> replay sends.</summary>
    public int MaxReplay { get; set; } = 10_000;

    /// <summary>How long a WebSocket token (from <c>/api/token</c>) is valid.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a Backend query may take before a page says the Backend is unavailable.</summary>
    public TimeSpan BackendTimeout { get; set; } = TimeSpan.FromSeconds(3);
}
