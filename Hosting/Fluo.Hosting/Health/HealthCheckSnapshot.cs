namespace Fluo.Hosting.Health;

/// <summary>The outcome of one health check, as ASP.NET Core's health checks name it.</summary>
public enum HealthStatus
{
    /// <summary>Failing: the resource (or what it depends on) does not work.</summary>
    Unhealthy,

    /// <summary>Working, but said it is degraded.</summary>
    Degraded,

    /// <summary>Working.</summary>
    Healthy,
}

/// <summary>The latest result of one of a resource's health checks.</summary>
/// <param name="Name">The check: e.g. <c>http /health</c>, <c>nats</c>, <c>postgres</c>, <c>database</c>, or <c>dependency &lt;name&gt;</c>.</param>
/// <param name="Status">Its result.</param>
/// <param name="Description">Why it is not healthy (the last error), or what it found.</param>
/// <param name="LastChecked">When it was last evaluated.</param>
/// <param name="Replica">The replica (or cluster node) it probes; null for the resource as a whole.</param>
public sealed record HealthCheckSnapshot(string Name, HealthStatus Status, string? Description, DateTimeOffset LastChecked, int? Replica = null)
{
    /// <summary>The prefix of the checks that follow a dependency's state (its <c>WaitFor</c>s and <c>WithReference</c>s).</summary>
    public const string DependencyPrefix = "dependency ";

    /// <summary>True for a <c>dependency &lt;name&gt;</c> check.</summary>
    public bool IsDependency => Name.StartsWith(DependencyPrefix, StringComparison.Ordinal);

    /// <summary>Same check, same result (the time aside).</summary>
    internal bool SameResult(HealthCheckSnapshot other) =>
        Name == other.Name && Status == other.Status && Description == other.Description && Replica == other.Replica;
}
