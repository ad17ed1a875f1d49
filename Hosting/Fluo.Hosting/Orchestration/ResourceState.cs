using Fluo.Hosting.Health;

namespace Fluo.Hosting.Orchestration;

/// <summary>Where a resource (or one replica of a project) is in its life.</summary>
public enum ResourceState
{
    /// <summary>Not started yet.</summary>
    NotStarted,

    /// <summary>Waiting for the resources it <c>WaitFor</c>s to be healthy.</summary>
    Waiting,

    /// <summary>Process launched, not yet answering its health probe.</summary>
    Starting,

    /// <summary>Answering its health probe (for parameters: value resolved).</summary>
    Healthy,

    /// <summary>Crashed; restarting after a back-off delay.</summary>
    Restarting,

    /// <summary>Could not be started; see the snapshot's error.</summary>
    FailedToStart,

    /// <summary>Being stopped.</summary>
    Stopping,

    /// <summary>Stopped.</summary>
    Stopped,
}

/// <summary>A point-in-time view of one resource.</summary>
/// <param name="Name">The resource name.</param>
/// <param name="Type">The resource kind (<c>nats</c>, <c>postgres</c>, <c>database</c>, <c>project</c>, <c>parameter</c>).</param>
/// <param name="State">The state (for projects: the worst replica's).</param>
/// <param name="Urls">The endpoint URLs (one per replica or cluster node), without credentials.</param>
/// <param name="ConnectionString">The connection string handed to referencing projects, if any.</param>
/// <param name="Replicas">The processes (one per replica or cluster node).</param>
/// <param name="Error">Why it failed to start, when it did.</param>
public sealed record ResourceSnapshot(
    string Name,
    string Type,
    ResourceState State,
    IReadOnlyList<string> Urls,
    string? ConnectionString,
    IReadOnlyList<ReplicaSnapshot> Replicas,
    string? Error = null)
{
    /// <summary>True when the resource is healthy.</summary>
    public bool IsHealthy => State == ResourceState.Healthy;

    /// <summary>How many times its processes were restarted after a crash.</summary>
    public int RestartCount => Replicas.Sum(r => r.Restarts);

    /// <summary>
    /// The latest result of each health check: its own probes (one per replica or node, while it runs) and one
    /// <c>dependency &lt;name&gt;</c> per resource it waits for or references, failing while that one is down.
    /// </summary>
    public IReadOnlyList<HealthCheckSnapshot> HealthChecks { get; init; } = [];

    /// <summary>The worst health check result; null while it has none.</summary>
    public HealthStatus? Health => HealthChecks.Count == 0 ? null : HealthChecks.Min(c => c.Status);

    /// <summary>The resources it depends on that are down now.</summary>
    public IReadOnlyList<string> DependenciesDown =>
        [.. HealthChecks.Where(c => c.IsDependency && c.Status == HealthStatus.Unhealthy).Select(c => c.Name[HealthCheckSnapshot.DependencyPrefix.Length..])];
}

/// <summary>One process of a resource.</summary>
/// <param name="Index">Replica (or cluster node) index.</param>
/// <param name="InstanceId">The <c>service.instance.id</c> it was given.</param>
/// <param name="ProcessId">The current process id, when running.</param>
/// <param name="Url">Its endpoint URL.</param>
/// <param name="State">Its state.</param>
/// <param name="Restarts">How many times it was restarted after a crash.</param>
/// <param name="LastExitCode">The exit code of its last crash.</param>
public sealed record ReplicaSnapshot(int Index, string InstanceId, int? ProcessId, string? Url, ResourceState State, int Restarts = 0, int? LastExitCode = null)
{
    /// <summary>When its current (or, once stopped, its last) process was started.</summary>
    public DateTimeOffset? StartedAt { get; init; }
}
