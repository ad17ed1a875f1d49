using System.Collections.Concurrent;
using System.Diagnostics;
using Fluo.Hosting.ApplicationModel;
using Fluo.Hosting.Logs;
using Fluo.Hosting.Processes;
using Fluo.Hosting.Runners;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fluo.Hosting.Orchestration;

/// <summary>
/// Starts the model: validates it, resolves parameters, allocates every port, then starts each resource as soon
/// as what it waits for is healthy (independent resources in parallel). Stops projects first, then servers.
/// </summary>
internal sealed class Orchestrator(
    DistributedApplicationModel model,
    IConfiguration configuration,
    ResourceNotificationService notifications,
    ResourceLoggerService logs,
    Dashboard.DashboardServer dashboard,
    ResourceCommandService commands,
    ILogger<Orchestrator> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _actionGates = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<IResource, ResourceRunner> _runners = new(ReferenceEqualityComparer.Instance);
    private Task[] _starts = [];
    private Health.HealthMonitor? _health;
    private Task _healthLoop = Task.CompletedTask;

    /// <summary>The state folder in use, once started.</summary>
    public string? StateDirectoryPath { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ModelValidator.ValidateForRun(model, configuration);
        // The dashboard first, so every project gets its OTLP endpoint.
        await dashboard.StartAsync(cancellationToken).ConfigureAwait(false);
        var state = StateDirectory.Resolve(model, configuration);
        Directory.CreateDirectory(state);
        StateDirectoryPath = state;
        var parameters = ParameterStore.Resolve(model.Resources.OfType<ParameterResource>(), configuration, state, model.Options.RandomParameterValues);
        var context = new RunContext(model, configuration, state, parameters, notifications, logs, logger, r => _runners[r], dashboard.OtlpHttpUrl);
        foreach (var resource in model.Resources)
        {
            _runners[resource] = Create(resource, context);
        }

        foreach (var runner in _runners.Values)
        {
            runner.Prepare();
        }

        foreach (var runner in _runners.Values)
        {
            notifications.Publish(new ResourceSnapshot(runner.Resource.Name, runner.Type, ResourceState.NotStarted, runner.Urls, runner.ConnectionString, runner.InitialReplicas));
        }

        if (!ProcessLauncher.TiesChildren)
        {
            HostingLog.ChildrenNotTied(logger);
        }

        _health = new Health.HealthMonitor([.. _runners.Values], notifications, model.Options.HealthCheckInterval);
        _healthLoop = Task.Run(() => _health.RunAsync(_cts.Token), CancellationToken.None);
        commands.Attach(this);
        HostingLog.Starting(logger, _runners.Count, state);
        var clock = Stopwatch.StartNew();
        _starts = [.. _runners.Values.Select(r => Task.Run(() => StartOneAsync(r, _cts.Token), CancellationToken.None))];
        if (model.Options.PrintSummary)
        {
            _ = PrintSummaryAsync(clock);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        HostingLog.Stopping(logger, _runners.Count);
        await _cts.CancelAsync().ConfigureAwait(false);
        await StopAllAsync(_runners.Values.Where(r => !r.IsServer)).ConfigureAwait(false);
        await StopAllAsync(_runners.Values.Where(r => r.IsServer)).ConfigureAwait(false);
        await Task.WhenAll(_starts).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _healthLoop.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await dashboard.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await dashboard.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        _health?.Dispose();
        _cts.Dispose();
        foreach (var gate in _actionGates.Values)
        {
            gate.Dispose();
        }

        foreach (var runner in _runners.Values.OfType<IDisposable>())
        {
            runner.Dispose();
        }
    }

    private static ResourceRunner Create(IResource resource, RunContext context) => resource switch
    {
        ParameterResource parameter => new ParameterRunner(parameter, context),
        NatsServerResource nats => new NatsRunner(nats, context),
        PostgresServerResource postgres => new PostgresRunner(postgres, context),
        PostgresDatabaseResource database => new PostgresDatabaseRunner(database, context),
        ProjectResource project => new ProjectRunner(project, context),
        _ => throw new DistributedApplicationException($"Resource '{resource.Name}': type {resource.GetType().Name} cannot be run."),
    };

    private async Task StartOneAsync(ResourceRunner runner, CancellationToken cancellationToken)
    {
        var name = runner.Resource.Name;
        try
        {
            var dependencies = ModelValidator.Dependencies(runner.Resource).ToList();
            if (dependencies.Count > 0)
            {
                Set(name, ResourceState.Waiting);
                foreach (var dependency in dependencies)
                {
                    try
                    {
                        await notifications.WaitForResourceHealthyAsync(dependency.Name, cancellationToken).ConfigureAwait(false);
                    }
                    catch (DistributedApplicationException)
                    {
                        throw new DistributedApplicationException($"it waits for '{dependency.Name}', which failed to start.");
                    }
                }
            }

            Set(name, ResourceState.Starting);
            await runner.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            HostingLog.FailedToStart(logger, name, e.Message);
            notifications.Update(name, s => s with { State = ResourceState.FailedToStart, Error = e.Message });
        }
    }

    /// <summary>Checks an action and starts it; one action at a time per resource, the next waits.</summary>
    internal (ResourceActionOutcome Outcome, Task Completion) Execute(string name, ResourceAction action, int? replica)
    {
        if (_cts.IsCancellationRequested)
        {
            return (ResourceActionOutcome.NotRunning, Task.CompletedTask);
        }

        var runner = _runners.Values.FirstOrDefault(r => string.Equals(r.Resource.Name, name, StringComparison.OrdinalIgnoreCase));
        if (runner is null)
        {
            return (ResourceActionOutcome.UnknownResource, Task.CompletedTask);
        }

        if (!runner.CanStopAndStart)
        {
            return (ResourceActionOutcome.NotSupported, Task.CompletedTask);
        }

        if (replica is { } index && (index < 0 || index >= runner.ReplicaCount))
        {
            return (ResourceActionOutcome.UnknownReplica, Task.CompletedTask);
        }

        IReadOnlyList<int> indexes = replica is { } one && runner is ProjectRunner ? [one] : [.. Enumerable.Range(0, runner.ReplicaCount)];
        return (ResourceActionOutcome.Accepted, Task.Run(() => RunActionAsync(runner, action, indexes), CancellationToken.None));
    }

    private async Task RunActionAsync(ResourceRunner runner, ResourceAction action, IReadOnlyList<int> indexes)
    {
        var name = runner.Resource.Name;
        var gate = _actionGates.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        try
        {
            await gate.WaitAsync(_cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            HostingLog.Action(logger, action, name, indexes.Count);
            if (action is ResourceAction.Stop or ResourceAction.Restart)
            {
                await runner.StopReplicasAsync(indexes).ConfigureAwait(false);
            }

            // A server is started only from a stopped state; a project's running replicas are left alone.
            var stopped = notifications.TryGet(name)?.State is ResourceState.Stopped or ResourceState.FailedToStart;
            if (action is ResourceAction.Start or ResourceAction.Restart && (runner is ProjectRunner || stopped))
            {
                await runner.StartReplicasAsync(indexes, action == ResourceAction.Restart, _cts.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            HostingLog.FailedToStart(logger, name, e.Message);
            notifications.Update(name, s => s with { State = ResourceState.FailedToStart, Error = e.Message });
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task StopAllAsync(IEnumerable<ResourceRunner> runners) =>
        await Task.WhenAll(runners.Select(async runner =>
        {
            var name = runner.Resource.Name;
            notifications.Update(name, s => s with { State = ResourceState.Stopping });
            try
            {
                await runner.StopAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                HostingLog.StopFailed(logger, name, e.Message);
            }

            notifications.Update(name, s => s with
            {
                State = ResourceState.Stopped,
                Replicas = [.. s.Replicas.Select(r => r with { State = ResourceState.Stopped, ProcessId = null })],
            });
        })).ConfigureAwait(false);

    private void Set(string name, ResourceState state) => notifications.Update(name, s => s with { State = state });

    private async Task PrintSummaryAsync(Stopwatch clock)
    {
        await Task.WhenAll(_starts).WaitAsync(TimeSpan.FromMinutes(2), _cts.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_cts.IsCancellationRequested)
        {
            return;
        }

        await Console.Out.WriteAsync(StartupTable.Render(notifications.Snapshots.Where(s => s.Type != "parameter"), model.Resources, clock.Elapsed)).ConfigureAwait(false);
    }
}
