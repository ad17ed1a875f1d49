using System.Collections.Concurrent;

namespace Fluo.Hosting.Orchestration;

/// <summary>Publishes resource snapshots and lets callers wait for a state, as Aspire's service of the same name.</summary>
public sealed class ResourceNotificationService
{
    private readonly ConcurrentDictionary<string, ResourceSnapshot> _snapshots = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Raised after every change.</summary>
    public event EventHandler<ResourceSnapshot>? Changed;

    /// <summary>The latest snapshot of every resource.</summary>
    public IReadOnlyList<ResourceSnapshot> Snapshots => [.. _snapshots.Values];

    /// <summary>The latest snapshot of <paramref name="name"/>, or null when unknown.</summary>
    public ResourceSnapshot? TryGet(string name) => _snapshots.GetValueOrDefault(name);

    /// <summary>Waits until <paramref name="name"/> is healthy.</summary>
    /// <exception cref="DistributedApplicationException">The resource is unknown or failed to start.</exception>
    public Task<ResourceSnapshot> WaitForResourceHealthyAsync(string name, CancellationToken cancellationToken = default) =>
        WaitForResourceAsync(name, s => s.IsHealthy, cancellationToken);

    /// <summary>Waits until <paramref name="name"/>'s snapshot satisfies <paramref name="predicate"/>.</summary>
    /// <exception cref="DistributedApplicationException">The resource is unknown or failed to start.</exception>
    public async Task<ResourceSnapshot> WaitForResourceAsync(string name, Func<ResourceSnapshot, bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            var snapshot = TryGet(name) ?? throw new DistributedApplicationException($"Unknown resource '{name}'.");
            if (predicate(snapshot))
            {
                return snapshot;
            }

            if (snapshot.State == ResourceState.FailedToStart)
            {
                throw new DistributedApplicationException($"Resource '{name}' failed to start: {snapshot.Error}");
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal void Publish(ResourceSnapshot snapshot)
    {
        _snapshots[snapshot.Name] = snapshot;
        Signal(snapshot);
    }

    internal ResourceSnapshot Update(string name, Func<ResourceSnapshot, ResourceSnapshot> update)
    {
        var snapshot = _snapshots.AddOrUpdate(name, _ => throw new InvalidOperationException($"Unknown resource '{name}'."), (_, s) => update(s));
        Signal(snapshot);
        return snapshot;
    }

    private void Signal(ResourceSnapshot snapshot)
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
        Changed?.Invoke(this, snapshot);
    }
}
