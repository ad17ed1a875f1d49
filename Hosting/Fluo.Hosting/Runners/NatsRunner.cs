using System.Globalization;
using System.Text;
using Fluo.Hosting.ApplicationModel;
using Fluo.Hosting.Health;
using Fluo.Hosting.Orchestration;
using Fluo.Hosting.Processes;

namespace Fluo.Hosting.Runners;

/// <summary>
/// Runs <c>nats-server</c> (one, or <see cref="NatsServerResource.ClusterSize"/> routed nodes) from a generated
/// config: user <c>nats</c> with the password parameter, JetStream storing under the state folder, free ports.
/// </summary>
internal sealed class NatsRunner(NatsServerResource nats, RunContext context) : ResourceRunner(nats, context)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly List<Node> _nodes = [];
    private volatile bool _stopRequested;

    public override string Type => "nats";

    public override bool CanStopAndStart => true;

    public override int ReplicaCount => _nodes.Count;

    public override string? ConnectionString =>
        string.Join(',', _nodes.Select(n => $"nats://{NatsServerResource.UserName}:{Uri.EscapeDataString(Password)}@localhost:{n.Port.ToString(CultureInfo.InvariantCulture)}"));

    public override IReadOnlyList<string> Urls => [.. _nodes.Select(n => $"nats://localhost:{n.Port.ToString(CultureInfo.InvariantCulture)}")];

    public override IReadOnlyList<ReplicaSnapshot> InitialReplicas =>
        [.. _nodes.Select(n => new ReplicaSnapshot(n.Index, n.ServerName, null, $"nats://localhost:{n.Port.ToString(CultureInfo.InvariantCulture)}", ResourceState.NotStarted))];

    /// <summary>The client ports of the nodes.</summary>
    public IReadOnlyList<int> Ports => [.. _nodes.Select(n => n.Port)];

    private string Password => Context.Parameters[nats.Password];

    public override void Prepare()
    {
        for (var i = 0; i < nats.ClusterSize; i++)
        {
            var port = i == 0 && nats.Port is { } fixedPort && !Context.Options.RandomizePorts ? fixedPort : FreePort.Next();
            _nodes.Add(new Node(i, port, FreePort.Next(), nats.ClusterSize > 1 ? FreePort.Next() : 0,
                nats.ClusterSize > 1 ? $"{nats.Name}-{i}" : nats.Name));
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _stopRequested = false;
        var binary = ServerBinaries.FindNatsServer(Context.Configuration, nats.Name).Path!;
        var root = Path.Combine(Context.StateDirectory, "nats", nats.Name);
        var storeRoot = nats.DataDirectory is { } data ? Path.GetFullPath(data, Context.Model.AppHostDirectory) : Path.Combine(root, "data");
        var environment = nats.Environment.Count == 0 ? null : ProjectEnvironment.AddEntries(new(StringComparer.Ordinal), nats.Environment, Context);
        foreach (var node in _nodes)
        {
            var directory = Path.Combine(root, $"node{node.Index}");
            Directory.CreateDirectory(directory);
            var store = nats.ClusterSize > 1 ? Path.Combine(storeRoot, $"node{node.Index}") : storeRoot;
            var configFile = Path.Combine(directory, "nats.conf");
            await File.WriteAllTextAsync(configFile, BuildConfig(node, store), cancellationToken).ConfigureAwait(false);
            UnixFiles.MakePrivate(configFile);
            node.Stopping = false;
            node.Process = await ChildProcess.StartAsync(binary, ["-c", configFile], directory, environment, null, LogSink(node.Index)).ConfigureAwait(false);
            if (_stopRequested)
            {
                await node.StopAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
            var pid = node.Process.Id;
            SetReplica(node.Index, r => r with { ProcessId = pid, State = ResourceState.Starting, StartedAt = DateTimeOffset.UtcNow });
        }

        await Task.WhenAll(_nodes.Select(n => WaitHealthyAsync(n, cancellationToken))).ConfigureAwait(false);
        SetState(ResourceState.Healthy);
        foreach (var node in _nodes)
        {
            _ = WatchAsync(node);
        }
    }

    public override Task StopAsync()
    {
        _stopRequested = true;
        return Task.WhenAll(_nodes.Where(n => n.Process is not null).Select(n => n.StopAsync()));
    }

    public override Task<IReadOnlyList<HealthCheckSnapshot>> CheckHealthAsync(ResourceSnapshot current, CancellationToken cancellationToken) =>
        CheckReplicasAsync(current, "nats", async replica =>
        {
            var port = _nodes[replica.Index].Port;
            var problem = await NatsProbe.ProbeAsync("localhost", port, NatsServerResource.UserName, Password, TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            return problem is null
                ? (HealthStatus.Healthy, $"PONG from nats://localhost:{port.ToString(CultureInfo.InvariantCulture)}")
                : (HealthStatus.Unhealthy, problem);
        });

    private async Task WaitHealthyAsync(Node node, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var problem = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (node.Process!.HasExited)
            {
                await node.Process.WaitForExitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                throw new InvalidOperationException(
                    $"nats-server exited during start-up with code {node.Process.ExitCode} (port {node.Port}). Its output:{Environment.NewLine}{node.Process.Tail}");
            }

            problem = await NatsProbe.ProbeAsync("localhost", node.Port, NatsServerResource.UserName, Password, TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false)
                ?? await JetStreamReadyAsync(node, cancellationToken).ConfigureAwait(false);
            if (problem is null)
            {
                SetReplica(node.Index, r => r with { State = ResourceState.Healthy });
                return;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"nats-server on port {node.Port} was not healthy within 30s ({problem}). Its output:{Environment.NewLine}{node.Process?.Tail}");
    }

    // In a cluster, JetStream is usable only once a meta leader is elected; /healthz says so.
    private async Task<string?> JetStreamReadyAsync(Node node, CancellationToken cancellationToken)
    {
        if (nats.ClusterSize == 1 || !nats.JetStream)
        {
            return null;
        }

        try
        {
            using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{node.MonitorPort.ToString(CultureInfo.InvariantCulture)}/healthz"), cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"/healthz answered {(int)response.StatusCode}";
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
    }

    private async Task WatchAsync(Node node)
    {
        var process = node.Process!;
        await process.Exited.ConfigureAwait(false);
        if (!node.Stopping && node.Process == process)
        {
            HostingLog.ServerExited(Context.Logger, nats.Name, process.Id, process.ExitCode);
            SetReplica(node.Index, r => r with { State = ResourceState.Stopped, LastExitCode = process.ExitCode });
            SetState(ResourceState.Stopped, $"nats-server (PID {process.Id}) exited with code {process.ExitCode}");
        }
    }

    private string BuildConfig(Node node, string store)
    {
        static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        var config = new StringBuilder();
        config.AppendLine(CultureInfo.InvariantCulture, $"server_name: {Quote(node.ServerName)}");
        config.AppendLine(CultureInfo.InvariantCulture, $"listen: \"127.0.0.1:{node.Port}\"");
        config.AppendLine(CultureInfo.InvariantCulture, $"http: \"127.0.0.1:{node.MonitorPort}\"");
        config.AppendLine(CultureInfo.InvariantCulture, $"authorization {{ user: {Quote(NatsServerResource.UserName)}, password: {Quote(Password)} }}");
        if (nats.JetStream)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"jetstream {{ store_dir: {Quote(store)} }}");
        }

        if (nats.ClusterSize > 1)
        {
            var routes = _nodes.Where(n => n.Index != node.Index).Select(n => $"\"nats-route://127.0.0.1:{n.RoutePort.ToString(CultureInfo.InvariantCulture)}\"");
            config.AppendLine(CultureInfo.InvariantCulture,
                $"cluster {{ name: {Quote($"fluo-{nats.Name}")}, listen: \"127.0.0.1:{node.RoutePort}\", routes: [{string.Join(", ", routes)}] }}");
        }

        return config.ToString();
    }

    private sealed class Node(int index, int port, int monitorPort, int routePort, string serverName)
    {
        public int Index { get; } = index;

        public int Port { get; } = port;

        public int MonitorPort { get; } = monitorPort;

        public int RoutePort { get; } = routePort;

        public string ServerName { get; } = serverName;

        public ChildProcess? Process { get; set; }

        public bool Stopping { get; set; }

        public async Task StopAsync()
        {
            Stopping = true;
            await Process!.StopAsync(Posix.SigTerm, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            await Process.DisposeAsync().ConfigureAwait(false);
        }
    }
}
