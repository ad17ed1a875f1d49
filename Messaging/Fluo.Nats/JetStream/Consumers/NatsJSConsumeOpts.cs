namespace Fluo.Nats.JetStream;

/// <summary>Options of a continuous consume (ADR-37).</summary>
public sealed record NatsJSConsumeOpts
{
    /// <summary>Messages asked for at most at any time (also bounds the client buffer).</summary>
    public int MaxMsgs { get; init; } = 1000;

    /// <summary>Pull again when fewer than this many requested messages are outstanding (null: half of <see cref="MaxMsgs"/>).</summary>
    public int? ThresholdMsgs { get; init; }

    /// <summary>How long each pull stays open on the server (at least 1 s).</summary>
    public TimeSpan Expires { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Heartbeat the server sends while a pull is open and idle (null: half of <see cref="Expires"/>, between
    /// 0.5 s and 30 s). Twice this without any message or heartbeat counts as a dead pull: pull again.
    /// </summary>
    public TimeSpan? IdleHeartbeat { get; init; }

    /// <summary>
    /// After <c>409 Consumer Deleted</c>, how long to wait for the consumer to be recreated before the consume
    /// fails with <see cref="NatsJSTerminalStatusException"/>. Zero fails at once.
    /// </summary>
    public TimeSpan ConsumerDeletedWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Called on the enumerating thread whenever the server is heard from on this consume: every message, idle
    /// heartbeat and pull status. Lets a caller watch for the silent stall (a consume the server has stopped
    /// talking to); keep it cheap and non-throwing.
    /// </summary>
    public Action? OnActivity { get; init; }

    /// <summary>Whether each message records a <c>receive</c> span (see <see cref="NatsSubOpts.ReceiveSpans"/>).</summary>
    public bool ReceiveSpans { get; init; } = true;

    /// <summary>The idle heartbeat the pulls ask for: <see cref="IdleHeartbeat"/> or its default.</summary>
    public TimeSpan EffectiveIdleHeartbeat => Heartbeat;

    /// <summary><paramref name="opts"/>, or the defaults when null; throws when the server would refuse the pulls they ask for.</summary>
    internal static NatsJSConsumeOpts Validated(NatsJSConsumeOpts? opts)
    {
        opts ??= new NatsJSConsumeOpts();
        ArgumentOutOfRangeException.ThrowIfLessThan(opts.MaxMsgs, 1, nameof(opts));
        if (opts.Expires < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException("Expires must be at least 1 s.", nameof(opts));
        }

        if (opts.Heartbeat * 2 > opts.Expires)
        {
            throw new ArgumentException("IdleHeartbeat must be at most half of Expires (the server refuses it otherwise).", nameof(opts));
        }

        return opts;
    }

    internal TimeSpan Heartbeat =>
        IdleHeartbeat ?? TimeSpan.FromTicks(Math.Clamp(Expires.Ticks / 2, TimeSpan.FromMilliseconds(500).Ticks, TimeSpan.FromSeconds(30).Ticks));
}
