using System.Globalization;
using System.Security.Cryptography;
using Fluo.Hosting.ApplicationModel;
using Fluo.Hosting.Health;
using Fluo.Hosting.Orchestration;
using Fluo.Hosting.Processes;

namespace Fluo.Hosting.Runners;

/// <summary>
/// Runs a project's replicas from its build output, each on its own port with its own instance id; a crashed
/// replica is restarted on the same port after a doubling back-off, and the crash shows in its log and state.
/// Replicas can be stopped and started again one by one (the dashboard's actions).
/// </summary>
internal sealed class ProjectRunner(ProjectResource project, RunContext context) : ResourceRunner(project, context), IDisposable
{
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);
    private readonly List<Replica> _replicas = [];
    private readonly CancellationTokenSource _stopping = new();
    private string? _assembly;

    public override string Type => "project";

    public override bool IsServer => false;

    public override int ReplicaCount => _replicas.Count;

    public override bool CanStopAndStart => true;

    public override IReadOnlyList<string> Urls => [.. _replicas.Select(r => r.Url)];

    public override IReadOnlyList<ReplicaSnapshot> InitialReplicas =>
        [.. _replicas.Select(r => new ReplicaSnapshot(r.Index, r.InstanceId, null, r.Url, ResourceState.NotStarted))];

    public override void Prepare()
    {
        for (var i = 0; i < project.Replicas; i++)
        {
            var port = i == 0 && project.HttpPort is { } fixedPort && !Context.Options.RandomizePorts ? fixedPort : FreePort.Next();
            var suffix = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 8);
            _replicas.Add(new Replica(i, $"{project.Name}-{suffix}", $"http://localhost:{port.ToString(CultureInfo.InvariantCulture)}"));
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _assembly = await ProjectLocator.FindAssemblyAsync(project, Context.Model.ProjectConfiguration, Context.Logger).ConfigureAwait(false);
        foreach (var replica in _replicas)
        {
            Launch(replica);
        }

        await Task.WhenAll(_replicas.Select(r => r.FirstHealthy.Task)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopReplicasAsync(IReadOnlyList<int> indexes)
    {
        foreach (var replica in indexes.Select(i => _replicas[i]))
        {
            UpdateReplica(replica, r => r.State is ResourceState.Stopped ? r : r with { State = ResourceState.Stopping });
        }

        await Task.WhenAll(indexes.Select(i => _replicas[i]).Select(async replica =>
        {
            if (replica.Run is { } run)
            {
                await run.CancelAsync().ConfigureAwait(false);
            }

            await (replica.Supervisor ?? Task.CompletedTask).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            UpdateReplica(replica, r => r with { State = ResourceState.Stopped, ProcessId = null });
        })).ConfigureAwait(false);
    }

    public override async Task StartReplicasAsync(IReadOnlyList<int> indexes, bool countAsRestart, CancellationToken cancellationToken)
    {
        if (_assembly is null)
        {
            throw new InvalidOperationException($"'{project.Name}' has not been started yet.");
        }

        var started = new List<Task>();
        foreach (var replica in indexes.Select(i => _replicas[i]).Where(r => r.Supervisor is null || r.Supervisor.IsCompleted))
        {
            if (countAsRestart)
            {
                replica.Restarts++;
            }

            var restarts = replica.Restarts;
            UpdateReplica(replica, r => r with { State = ResourceState.Starting, Restarts = restarts });
            Launch(replica);
            started.Add(replica.FirstHealthy.Task);
        }

        await Task.WhenAll(started).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public override Task<IReadOnlyList<HealthCheckSnapshot>> CheckHealthAsync(ResourceSnapshot current, CancellationToken cancellationToken) =>
        project.HealthCheckPath is { } path
            ? CheckReplicasAsync(current, $"http {path}", r => HttpHealthProbe.CheckAsync(new Uri(new Uri(r.Url!), path), cancellationToken))
            : Task.FromResult<IReadOnlyList<HealthCheckSnapshot>>([]);

    private void Launch(Replica replica)
    {
        var run = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        replica.Run?.Dispose();
        replica.Run = run;
        replica.FirstHealthy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var assembly = _assembly!;
        replica.Supervisor = Task.Run(() => SuperviseAsync(replica, assembly, run.Token), CancellationToken.None);
    }

    // Each supervisor stops its own process (SIGTERM, then SIGKILL after 10s) once cancelled, even one still starting.
    public override async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_replicas.Select(r => r.Supervisor ?? Task.CompletedTask)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        foreach (var replica in _replicas)
        {
            replica.Run?.Dispose();
        }
    }

    private async Task SuperviseAsync(Replica replica, string assembly, CancellationToken stopping)
    {
        try
        {
            await RunReplicaAsync(replica, assembly, stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            HostingLog.FailedToStart(Context.Logger, project.Name, e.Message);
            UpdateReplica(replica, r => r with { State = ResourceState.FailedToStart });
            SetState(ResourceState.FailedToStart, $"replica {replica.Index}: {e.Message}");
            replica.FirstHealthy.TrySetException(e);
        }
    }

    private async Task RunReplicaAsync(Replica replica, string assembly, CancellationToken stopping)
    {
        var delay = Context.Options.RestartDelay;
        var directory = Path.GetDirectoryName(project.ProjectPath)!;
        while (!stopping.IsCancellationRequested)
        {
            var env = ProjectEnvironment.Build(project, replica.Url, replica.InstanceId, Context);
            ChildProcess process;
            try
            {
                process = await ChildProcess.StartAsync(ProjectLocator.DotnetHost(), [assembly], directory, env, null, LogSink(replica.Index)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                SetReplica(replica.Index, r => r with { State = ResourceState.FailedToStart });
                SetState(ResourceState.FailedToStart, $"replica {replica.Index} could not be started: {e.Message}");
                replica.FirstHealthy.TrySetException(e);
                return;
            }

            replica.Process = process;
            var started = DateTime.UtcNow;
            var pid = process.Id;
            UpdateReplica(replica, r => r with { ProcessId = pid, State = ResourceState.Starting, StartedAt = DateTimeOffset.UtcNow });
            _ = WaitHealthyAsync(replica, process, stopping);
            await Task.WhenAny(process.Exited, Task.Delay(Timeout.Infinite, stopping)).ConfigureAwait(false);
            if (stopping.IsCancellationRequested)
            {
                await process.StopAsync(Posix.SigTerm, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                await process.DisposeAsync().ConfigureAwait(false);
                // Stopped and without a process in one update: whoever sees the one sees the other.
                UpdateReplica(replica, r => r with { State = ResourceState.Stopped, ProcessId = null });
                return;
            }

            var exitCode = process.ExitCode;
            await process.DisposeAsync().ConfigureAwait(false);

            if (DateTime.UtcNow - started > StableAfter)
            {
                delay = Context.Options.RestartDelay;
            }

            replica.Restarts++;
            HostingLog.Crashed(Context.Logger, project.Name, replica.Index, pid, exitCode, replica.Restarts, delay);
            Context.Logs.Append(project.Name, replica.Index,
                $"[fluo] process {pid} exited with code {exitCode}; restart {replica.Restarts} in {delay.TotalSeconds:0.#}s", isError: true);
            UpdateReplica(replica, r => r with { ProcessId = null, State = ResourceState.Restarting, Restarts = replica.Restarts, LastExitCode = exitCode });
            try
            {
                await Task.Delay(delay, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                UpdateReplica(replica, r => r with { State = ResourceState.Stopped });
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Context.Options.RestartDelay.Ticks * 16));
        }
    }

    private async Task WaitHealthyAsync(Replica replica, ChildProcess process, CancellationToken stopping)
    {
        if (project.HealthCheckPath is { } path)
        {
            var url = new Uri(new Uri(replica.Url), path);
            var interval = TimeSpan.FromMilliseconds(100);
            while (true)
            {
                if (process.HasExited || stopping.IsCancellationRequested)
                {
                    return;
                }

                if (await HttpHealthProbe.ProbeAsync(url, stopping).ConfigureAwait(false) is null)
                {
                    break;
                }

                try
                {
                    await Task.Delay(interval, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        if (!process.HasExited)
        {
            UpdateReplica(replica, r => r with { State = ResourceState.Healthy });
            replica.FirstHealthy.TrySetResult();
        }
    }

    // The project's state is its worst replica's.
    private void UpdateReplica(Replica replica, Func<ReplicaSnapshot, ReplicaSnapshot> update)
    {
        var before = Context.Notifications.TryGet(project.Name)?.State;
        var snapshot = Context.Notifications.Update(project.Name, s =>
        {
            var replicas = s.Replicas.Select(r => r.Index == replica.Index ? update(r) : r).ToList();
            // While the whole application stops, the resource stays Stopping until the orchestrator says Stopped.
            var state = _stopping.IsCancellationRequested && s.State is ResourceState.Stopping or ResourceState.Stopped ? s.State : Aggregate(replicas);
            return s with { Replicas = replicas, State = state };
        });
        if (snapshot.State == ResourceState.Healthy && before != ResourceState.Healthy)
        {
            HostingLog.Healthy(Context.Logger, project.Name);
        }
    }

    private static ResourceState Aggregate(IReadOnlyList<ReplicaSnapshot> replicas) =>
        replicas.Any(r => r.State == ResourceState.FailedToStart) ? ResourceState.FailedToStart
        : replicas.Any(r => r.State == ResourceState.Restarting) ? ResourceState.Restarting
        : replicas.Any(r => r.State == ResourceState.Stopping) ? ResourceState.Stopping
        : replicas.All(r => r.State == ResourceState.Stopped) ? ResourceState.Stopped
        // A replica stopped on purpose does not make the others' resource unhealthy.
        : replicas.All(r => r.State is ResourceState.Healthy or ResourceState.Stopped) ? ResourceState.Healthy
        : ResourceState.Starting;

    private sealed class Replica(int index, string instanceId, string url)
    {
        public int Index { get; } = index;

        public string InstanceId { get; } = instanceId;

        public string Url { get; } = url;

        public ChildProcess? Process { get; set; }

        public Task? Supervisor { get; set; }

        public CancellationTokenSource? Run { get; set; }

        public int Restarts { get; set; }

        public TaskCompletionSource FirstHealthy { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
