using Fluo.Hosting.ApplicationModel;
using Fluo.Hosting.Health;
using Fluo.Hosting.Orchestration;

namespace Fluo.Hosting.Runners;

/// <summary>Runs one resource: allocates its ports, starts it, reports its state, stops it.</summary>
internal abstract class ResourceRunner(IResource resource, RunContext context)
{
    public IResource Resource { get; } = resource;

    /// <summary>The kind shown in snapshots and the start-up table.</summary>
    public abstract string Type { get; }

    /// <summary>Servers stop after projects.</summary>
    public virtual bool IsServer => true;

    /// <summary>The connection string handed to referencing projects, once prepared.</summary>
    public virtual string? ConnectionString => null;

    /// <summary>The endpoint URLs, once prepared.</summary>
    public virtual IReadOnlyList<string> Urls => [];

    /// <summary>The processes to be, once prepared.</summary>
    public virtual IReadOnlyList<ReplicaSnapshot> InitialReplicas => [];

    protected RunContext Context { get; } = context;

    /// <summary>Allocates ports, so every connection string and URL is known before anything starts.</summary>
    public virtual void Prepare()
    {
    }

    /// <summary>Starts the resource and returns once it is healthy.</summary>
    public abstract Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Stops the resource gracefully, then by force.</summary>
    public virtual Task StopAsync() => Task.CompletedTask;

    /// <summary>Whether it can be stopped and started again while the application runs (servers and projects).</summary>
    public virtual bool CanStopAndStart => false;

    /// <summary>How many processes (replicas or cluster nodes) it has.</summary>
    public virtual int ReplicaCount => 1;

    /// <summary>Stops the given replicas; a server stops as a whole whatever is asked.</summary>
    public virtual async Task StopReplicasAsync(IReadOnlyList<int> indexes)
    {
        Context.Notifications.Update(Resource.Name, s => s with
        {
            State = ResourceState.Stopping,
            Replicas = [.. s.Replicas.Select(r => r with { State = ResourceState.Stopping })],
        });
        await StopAsync().ConfigureAwait(false);
        Context.Notifications.Update(Resource.Name, s => s with
        {
            State = ResourceState.Stopped,
            Replicas = [.. s.Replicas.Select(r => r with { State = ResourceState.Stopped, ProcessId = null })],
        });
    }

    /// <summary>Starts the given (stopped) replicas again and returns once they are healthy; a server starts as a whole.</summary>
    public virtual Task StartReplicasAsync(IReadOnlyList<int> indexes, bool countAsRestart, CancellationToken cancellationToken)
    {
        Context.Notifications.Update(Resource.Name, s => s with
        {
            State = ResourceState.Starting,
            Error = null,
            Replicas = [.. s.Replicas.Select(r => r with { State = ResourceState.Starting, Restarts = r.Restarts + (countAsRestart ? 1 : 0) })],
        });
        return StartAsync(cancellationToken);
    }

    /// <summary>Runs its own health checks once (dependencies are the monitor's); none by default.</summary>
    public virtual Task<IReadOnlyList<HealthCheckSnapshot>> CheckHealthAsync(ResourceSnapshot current, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<HealthCheckSnapshot>>([]);

    /// <summary>One check per replica: probed while it has a process, else unhealthy without a probe.</summary>
    protected static async Task<IReadOnlyList<HealthCheckSnapshot>> CheckReplicasAsync(
        ResourceSnapshot current, string check, Func<ReplicaSnapshot, Task<(HealthStatus Status, string Description)>> probe) =>
        await Task.WhenAll(current.Replicas.Select(async replica =>
        {
            if (replica.ProcessId is null)
            {
                return new HealthCheckSnapshot(check, HealthStatus.Unhealthy, $"not running ({replica.State})", DateTimeOffset.UtcNow, replica.Index);
            }

            var (status, description) = await probe(replica).ConfigureAwait(false);
            return new HealthCheckSnapshot(check, status, description, DateTimeOffset.UtcNow, replica.Index);
        })).ConfigureAwait(false);

    protected void SetState(ResourceState state, string? error = null)
    {
        Context.Notifications.Update(Resource.Name, s => s with { State = state, Error = error ?? s.Error });
        if (state == ResourceState.Healthy)
        {
            HostingLog.Healthy(Context.Logger, Resource.Name);
        }
    }

    protected void SetReplica(int index, Func<ReplicaSnapshot, ReplicaSnapshot> update) =>
        Context.Notifications.Update(Resource.Name, s => s with { Replicas = [.. s.Replicas.Select(r => r.Index == index ? update(r) : r)] });

    protected Action<string, bool> LogSink(int replica) => (line, isError) => Context.Logs.Append(Resource.Name, replica, line, isError);
}
