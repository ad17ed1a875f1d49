namespace Fluo.ServiceDefaults.Nats;

/// <summary>Settings of <c>AddNatsClient</c>, bound from <c>Aspire:NATS:Net</c> as in Aspire.NATS.Net.</summary>
public sealed class NatsClientSettings
{
    /// <summary>The NATS URL(s); <c>ConnectionStrings:&lt;name&gt;</c> overrides it.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Do not register the <c>NATS</c> health check.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>Do not trace the <c>Fluo.Nats</c> source.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>
    /// How long a reconnect may last before the health check turns Degraded into Unhealthy: a blip is Degraded,
    /// a server that is gone makes <c>/health</c> answer 503.
    /// </summary>
    public TimeSpan UnhealthyAfter { get; set; } = TimeSpan.FromSeconds(3);
}
