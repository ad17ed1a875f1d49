namespace Fluo.Nats.Services;

/// <summary>
/// Identity of a NATS micro service (the <c>$SRV</c> protocol): instances with the same <see cref="Name"/> form one
/// service and share its endpoints' queue groups; each instance gets its own id.
/// </summary>
/// <param name="Name">Service name: letters, digits, <c>-</c> and <c>_</c>.</param>
/// <param name="Version">Semantic version, for example <c>1.0.0</c>.</param>
public sealed record NatsSvcConfig(string Name, string Version)
{
    /// <summary>The queue group endpoints join unless they name their own (<c>q</c>, as in the Go micro package).</summary>
    public const string DefaultQueueGroup = "q";

    /// <summary>Free text shown by <c>$SRV.INFO</c>.</summary>
    public string? Description { get; init; }

    /// <summary>Queue group of every endpoint that does not set one.</summary>
    public string QueueGroup { get; init; } = DefaultQueueGroup;

    /// <summary>Key/value pairs reported by <c>$SRV.PING</c>, <c>$SRV.INFO</c> and <c>$SRV.STATS</c>.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>
    /// How many requests each endpoint handles at once (default 1: one after another, in arrival order). Handlers that
    /// wait on I/O, such as a database, serve far more requests per replica with more.
    /// </summary>
    public int MaxConcurrency { get; init; } = 1;
}
