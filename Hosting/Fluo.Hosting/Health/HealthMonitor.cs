using Fluo.Hosting.ApplicationModel;
using Fluo.Hosting.Orchestration;
using Fluo.Hosting.Runners;

namespace Fluo.Hosting.Health;

/// <summary>
/// Keeps every resource's <see cref="ResourceSnapshot.HealthChecks"/> current while the application runs: its own
/// probes every <see cref="DistributedApplicationOptions.HealthCheckInterval"/> (the resources in turn, not all at once), and a <c>dependency &lt;name&gt;</c>
/// check per resource it waits for or references, re-evaluated as soon as that resource's snapshot changes.
/// </summary>
internal sealed class HealthMonitor : IDisposable
{
    private readonly IReadOnlyList<ResourceRunner> _runners;
    private readonly ResourceNotificationService _notifications;
    private readonly TimeSpan _interval;
    private readonly Dictionary<string, List<IResource>> _dependencies = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<string>> _dependents = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _dependencyGate = new();
    private readonly Dictionary<string, SemaphoreSlim> _checkGates = new(StringComparer.OrdinalIgnoreCase);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ResourceState> _lastStates = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ResourceRunner> _byName = new(StringComparer.OrdinalIgnoreCase);
    private CancellationToken _running = new(canceled: true);

    public HealthMonitor(IReadOnlyList<ResourceRunner> runners, ResourceNotificationService notifications, TimeSpan interval)
    {
        (_runners, _notifications, _interval) = (runners, notifications, interval);
        foreach (var runner in runners)
        {
            _byName[runner.Resource.Name] = runner;
            _checkGates[runner.Resource.Name] = new SemaphoreSlim(1, 1);
        }

        foreach (var resource in runners.Select(r => r.Resource))
        {
            var dependencies = ModelValidator.Dependencies(resource)
                .Concat(resource is ProjectResource project ? project.References : [])
                .Where(d => d is not ParameterResource)
                .Distinct(ReferenceEqualityComparer.Instance).Cast<IResource>().ToList();
            _dependencies[resource.Name] = dependencies;
            foreach (var dependency in dependencies)
            {
                (_dependents.TryGetValue(dependency.Name, out var list) ? list : _dependents[dependency.Name] = []).Add(resource.Name);
            }
        }

        _notifications.Changed += OnChanged;
    }

    /// <summary>Sets every resource's dependency checks, then probes until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _running = cancellationToken;
        foreach (var name in _dependencies.Keys)
        {
            RefreshDependencies(name);
        }

        // Each resource keeps its own schedule, the schedules spread evenly over the interval: probing every resource
        // at once made all the processes busy together, once per interval, which showed as a latency spike under load.
        await Task.WhenAll(_runners.Select((runner, i) => ProbeAsync(runner, _interval * i / _runners.Count, cancellationToken))).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _notifications.Changed -= OnChanged;
        foreach (var gate in _checkGates.Values)
        {
            gate.Dispose();
        }
    }

    private async Task ProbeAsync(ResourceRunner runner, TimeSpan offset, CancellationToken cancellationToken)
    {
        await Task.Delay(offset, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        while (!cancellationToken.IsCancellationRequested)
        {
            await CheckAsync(runner, cancellationToken).ConfigureAwait(false);
            await Task.Delay(_interval, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    // One check of a resource at a time, so a slow probe's result never overwrites a later one.
    private async Task CheckAsync(ResourceRunner runner, CancellationToken cancellationToken)
    {
        var gate = _checkGates[runner.Resource.Name];
        try
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            return;
        }

        try
        {
            await CheckOnceAsync(runner, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task CheckOnceAsync(ResourceRunner runner, CancellationToken cancellationToken)
    {
        var name = runner.Resource.Name;
        if (_notifications.TryGet(name) is not { State: not (ResourceState.NotStarted or ResourceState.Waiting) } snapshot)
        {
            return;
        }

        IReadOnlyList<HealthCheckSnapshot> own;
        try
        {
            own = await runner.CheckHealthAsync(snapshot, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            // A probe that throws says as much in the dashboard rather than ending the monitor.
            own = [new HealthCheckSnapshot("probe", HealthStatus.Unhealthy, $"{e.GetType().Name}: {e.Message}", DateTimeOffset.UtcNow)];
        }

        var before = _notifications.TryGet(name)!;
        var previous = before.HealthChecks.Where(c => !c.IsDependency).ToList();
        // Nothing probed (stopped, or no checks at all) and nothing new: no event for the dashboard to redraw.
        if (Same(previous, own) && (own.Count == 0 || before.State is ResourceState.Stopped or ResourceState.FailedToStart))
        {
            return;
        }

        _notifications.Update(name, s => s with { HealthChecks = [.. own, .. s.HealthChecks.Where(c => c.IsDependency)] });
    }

    private void OnChanged(object? sender, ResourceSnapshot snapshot)
    {
        // A new state (healthy, stopped, restarting...) is checked at once rather than at the next round.
        if (_lastStates.TryGetValue(snapshot.Name, out var last) && last != snapshot.State && !_running.IsCancellationRequested && _byName.TryGetValue(snapshot.Name, out var runner))
        {
            var running = _running;
            _ = Task.Run(() => CheckAsync(runner, running), CancellationToken.None);
        }

        _lastStates[snapshot.Name] = snapshot.State;
        if (_dependents.TryGetValue(snapshot.Name, out var dependents))
        {
            foreach (var dependent in dependents)
            {
                RefreshDependencies(dependent);
            }
        }
    }

    private void RefreshDependencies(string name)
    {
        var dependencies = _dependencies[name];
        if (dependencies.Count == 0)
        {
            return;
        }

        // One writer at a time, so a slower evaluation never overwrites a newer one; the lock is re-entered when the update below cascades.
        lock (_dependencyGate)
        {
            if (_notifications.TryGet(name) is not { } current)
            {
                return;
            }

            var now = DateTimeOffset.UtcNow;
            var fresh = dependencies.Select(d => Evaluate(d.Name, now)).ToList();
            if (Same(current.HealthChecks.Where(c => c.IsDependency).ToList(), fresh))
            {
                return;
            }

            _notifications.Update(name, s => s with { HealthChecks = [.. s.HealthChecks.Where(c => !c.IsDependency), .. fresh] });
        }
    }

    // Only the dependency's state and its own probes count, not its dependencies: references may go both ways.
    private HealthCheckSnapshot Evaluate(string dependency, DateTimeOffset now)
    {
        var check = HealthCheckSnapshot.DependencyPrefix + dependency;
        if (_notifications.TryGet(dependency) is not { } snapshot)
        {
            return new(check, HealthStatus.Unhealthy, $"{dependency} is unknown", now);
        }

        if (snapshot.State != ResourceState.Healthy)
        {
            return new(check, HealthStatus.Unhealthy, $"{dependency} is {snapshot.State}{(snapshot.Error is { } error ? $": {error}" : string.Empty)}", now);
        }

        return snapshot.HealthChecks.FirstOrDefault(c => !c.IsDependency && c.Status == HealthStatus.Unhealthy) is { } failing
            ? new(check, HealthStatus.Unhealthy, $"{dependency}: {failing.Name} failed: {failing.Description}", now)
            : new(check, HealthStatus.Healthy, $"{dependency} is healthy", now);
    }

    private static bool Same(List<HealthCheckSnapshot> before, IReadOnlyList<HealthCheckSnapshot> after) =>
        before.Count == after.Count && before.Zip(after).All(p => p.First.SameResult(p.Second));
}
