namespace Fluo.Nats.JetStream;

/// <summary>JetStream usage and limits of the account (<c>$JS.API.INFO</c>).</summary>
public sealed record AccountInfo
{
    /// <summary>Memory used, bytes.</summary>
    public ulong Memory { get; init; }

    /// <summary>Storage used, bytes.</summary>
    public ulong Storage { get; init; }

    /// <summary>Streams.</summary>
    public long Streams { get; init; }

    /// <summary>Consumers.</summary>
    public long Consumers { get; init; }

    /// <summary>The domain, if any.</summary>
    public string? Domain { get; init; }

    /// <summary>Limits.</summary>
    public AccountLimits Limits { get; init; } = new();

    /// <summary>API call counts.</summary>
    public ApiStats Api { get; init; } = new();
}

/// <summary>Account limits (-1: unlimited).</summary>
public sealed record AccountLimits
{
    /// <summary>Memory limit.</summary>
    public long MaxMemory { get; init; }

    /// <summary>Storage limit.</summary>
    public long MaxStorage { get; init; }

    /// <summary>Stream limit.</summary>
    public long MaxStreams { get; init; }

    /// <summary>Consumer limit.</summary>
    public long MaxConsumers { get; init; }
}

/// <summary>API call counts.</summary>
public sealed record ApiStats
{
    /// <summary>Calls.</summary>
    public ulong Total { get; init; }

    /// <summary>Calls that failed.</summary>
    public ulong Errors { get; init; }
}
