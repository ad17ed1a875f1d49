using Fluo.Hosting.ApplicationModel;
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
