namespace Fluo.Nats.Services.Models;

/// <summary>Answer to <c>$SRV.PING</c> (<c>io.nats.micro.v1.ping_response</c>).</summary>
public sealed record PingResponse(string Name, string Id, string Version, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The schema name.</summary>
    public const string TypeName = "io.nats.micro.v1.ping_response";

    /// <summary>Always <see cref="TypeName"/>.</summary>
    public string Type { get; init; } = TypeName;
}

/// <summary>Answer to <c>$SRV.INFO</c> (<c>io.nats.micro.v1.info_response</c>).</summary>
public sealed record InfoResponse(string Name, string Id, string Version, IReadOnlyDictionary<string, string> Metadata, string Description, IReadOnlyList<EndpointInfo> Endpoints)
{
    /// <summary>The schema name.</summary>
    public const string TypeName = "io.nats.micro.v1.info_response";

    /// <summary>Always <see cref="TypeName"/>.</summary>
    public string Type { get; init; } = TypeName;
}

/// <summary>One endpoint in an <see cref="InfoResponse"/>.</summary>
public sealed record EndpointInfo(string Name, string Subject, string QueueGroup, IReadOnlyDictionary<string, string> Metadata);

/// <summary>Answer to <c>$SRV.STATS</c> (<c>io.nats.micro.v1.stats_response</c>).</summary>
public sealed record StatsResponse(string Name, string Id, string Version, IReadOnlyDictionary<string, string> Metadata, DateTimeOffset Started, IReadOnlyList<EndpointStats> Endpoints)
{
    /// <summary>The schema name.</summary>
    public const string TypeName = "io.nats.micro.v1.stats_response";

    /// <summary>Always <see cref="TypeName"/>.</summary>
    public string Type { get; init; } = TypeName;
}

/// <summary>Counters of one endpoint in a <see cref="StatsResponse"/>; times are nanoseconds on the wire.</summary>
public sealed record EndpointStats(
    string Name,
    string Subject,
    string QueueGroup,
    long NumRequests,
    long NumErrors,
    string LastError,
    TimeSpan ProcessingTime,
    TimeSpan AverageProcessingTime);
