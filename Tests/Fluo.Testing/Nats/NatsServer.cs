using System.Globalization;
using System.Net.Http;
using System.Text;
using Fluo.Testing.Processes;

namespace Fluo.Testing.Nats;

/// <summary>
/// A real <c>nats-server</c> on free loopback ports with a temporary store, for tests.
/// It can be stopped, restarted on the same port and store, and is killed and removed on dispose.
/// </summary>
public sealed class NatsServer : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly NatsServerOptions _options;
    private readonly string _binary;
    private readonly string _configFile;
    private ServerProcess? _process;

    private NatsServer(NatsServerOptions options, string binary, string workDirectory, string configFile, int port, int monitorPort, int? webSocketPort)
    {
        _options = options;
        _binary = binary;
        WorkDirectory = workDirectory;
        _configFile = configFile;
        Port = port;
        MonitorPort = monitorPort;
        WebSocketPort = webSocketPort;
    }

    /// <summary>The client port.</summary>
    public int Port { get; }

    /// <summary>The HTTP monitoring port (<c>/healthz</c>, <c>/varz</c>, <c>/jsz</c>…).</summary>
    public int MonitorPort { get; }

    /// <summary>The WebSocket port, when enabled.</summary>
    public int? WebSocketPort { get; }

    /// <summary>The client URL without credentials, e.g. <c>nats://127.0.0.1:4222</c>.</summary>
    public string Url => $"nats://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The client URL with the configured user and password or token, as Aspire passes it.</summary>
    public string UrlWithCredentials => _options switch
    {
        { User: { } user, Password: { } password } => $"nats://{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password)}@127.0.0.1:{Port}",
        { Token: { } token } => $"nats://{Uri.EscapeDataString(token)}@127.0.0.1:{Port}",
        _ => Url,
    };

    /// <summary>The monitoring base URL.</summary>
    public Uri MonitorUrl => new($"http://127.0.0.1:{MonitorPort.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>The server's temporary directory (config, store, PID file); removed on dispose.</summary>
    public string WorkDirectory { get; }

    /// <summary>The JetStream store directory (kept across restarts).</summary>
    public string StoreDirectory => Path.Combine(WorkDirectory, "store");

    /// <summary>The server's name.</summary>
    public string ServerName => _options.ServerName ?? Path.GetFileName(WorkDirectory);

    /// <summary>The PID of the running process (or of the last one, once stopped).</summary>
    public int ProcessId { get; private set; }

    /// <summary>True while the server process is alive.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The options this server was started with.</summary>
    public NatsServerOptions Options => _options;

    /// <summary>Starts a server and waits until <c>/healthz</c> says ok.</summary>
    /// <exception cref="Fluo.Processes.MissingServerBinaryException">nats-server is not installed.</exception>
    public static Task<NatsServer> StartAsync(NatsServerOptions? options = null, CancellationToken cancellationToken = default) =>
        StartAsync(options ?? new NatsServerOptions(), clusterConfig: null, cancellationToken);

    internal static async Task<NatsServer> StartAsync(NatsServerOptions options, Func<NatsServer, string>? clusterConfig, CancellationToken cancellationToken)
    {
        var binary = BinaryLocator.Find("nats-server", "FLUO_NATS_SERVER", "nats-server");
        var workDirectory = TestEnvironment.CreateWorkDirectory("nats");
        var server = new NatsServer(options, binary, workDirectory, Path.Combine(workDirectory, "nats.conf"),
            FreePort.Next(), FreePort.Next(), options.WebSocket ? FreePort.Next() : null);
        try
        {
            var config = server.BuildConfig() + (clusterConfig?.Invoke(server) ?? "");
            await File.WriteAllTextAsync(server._configFile, config, cancellationToken).ConfigureAwait(false);
            if (clusterConfig is null)
            {
                await server.StartAgainAsync(cancellationToken).ConfigureAwait(false);
            }

            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts the process again on the same ports and store and waits until it is healthy.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"nats-server {ServerName} is already running (PID {ProcessId}).");
        }

        await LaunchProcessAsync().ConfigureAwait(false);
        await WaitHealthyAsync(cancellationToken).ConfigureAwait(false);
    }

    internal async Task LaunchProcessAsync()
    {
        _process = await ServerProcess.StartAsync(_binary, ["-c", _configFile], WorkDirectory).ConfigureAwait(false);
        ProcessId = _process.Id;
    }

    /// <summary>Stops the server (SIGTERM, or SIGKILL when <paramref name="kill"/>), keeping its port and store.</summary>
    public async Task StopAsync(bool kill = false)
    {
        if (_process is { } process)
        {
            await process.StopAsync(kill ? Posix.SigKill : Posix.SigTerm, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            await process.DisposeAsync().ConfigureAwait(false);
            _process = null;
        }
    }

    /// <summary>Stops and starts the server on the same port and store.</summary>
    public async Task RestartAsync(bool kill = false, CancellationToken cancellationToken = default)
    {
        await StopAsync(kill).ConfigureAwait(false);
        await StartAgainAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Puts the server into lame-duck mode (<c>nats-server --signal ldm=PID</c>).</summary>
    public Task EnterLameDuckModeAsync()
    {
        _ = _process ?? throw new InvalidOperationException("The server is not running.");
        // nats-server maps SIGUSR2 to lame-duck mode; that is what --signal ldm sends.
        Posix.Signal(ProcessId, 12);
        return Task.CompletedTask;
    }

    /// <summary>GETs a monitoring endpoint (e.g. <c>varz</c>, <c>jsz</c>) and returns its body.</summary>
    public Task<string> GetMonitorAsync(string path, CancellationToken cancellationToken = default) =>
        Http.GetStringAsync(new Uri(MonitorUrl, path), cancellationToken);

    internal async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.StartTimeout);
        var lastError = "no answer yet";
        while (true)
        {
            if (_process is null || _process.HasExited)
            {
                throw new InvalidOperationException(
                    $"nats-server {ServerName} exited during start-up (port {Port}). Its output:{Environment.NewLine}{_process?.RecentOutput}");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri(MonitorUrl, "healthz"), timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                lastError = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false)}";
            }
            catch (HttpRequestException e)
            {
                lastError = e.Message;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await Task.Delay(50, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        throw new TimeoutException(
            $"nats-server {ServerName} was not healthy within {_options.StartTimeout.TotalSeconds:0}s ({lastError}). Its output:{Environment.NewLine}{_process?.RecentOutput}");
    }

    private string BuildConfig()
    {
        var config = new StringBuilder();
        config.AppendLine(CultureInfo.InvariantCulture, $"server_name: \"{ServerName}\"");
        config.AppendLine(CultureInfo.InvariantCulture, $"listen: 127.0.0.1:{Port}");
        config.AppendLine(CultureInfo.InvariantCulture, $"http: 127.0.0.1:{MonitorPort}");
        config.AppendLine(CultureInfo.InvariantCulture, $"pid_file: \"{Path.Combine(WorkDirectory, "nats-server.pid.txt")}\"");
        if (_options.JetStream)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"jetstream {{ store_dir: \"{StoreDirectory}\" }}");
        }

        if (_options is { User: { } user, Password: { } password })
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"authorization {{ user: \"{user}\", password: \"{password}\" }}");
        }
        else if (_options.Token is { } token)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"authorization {{ token: \"{token}\" }}");
        }

        if (_options.TlsCertFile is { } cert && _options.TlsKeyFile is { } key)
        {
            config.Append(CultureInfo.InvariantCulture, $"tls {{ cert_file: \"{cert}\", key_file: \"{key}\"");
            if (_options.TlsVerify)
            {
                config.Append(CultureInfo.InvariantCulture, $", verify: true, ca_file: \"{_options.TlsCaFile ?? cert}\"");
            }

            config.AppendLine(" }");
        }

        if (WebSocketPort is { } ws)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"websocket {{ listen: \"127.0.0.1:{ws}\", no_tls: true }}");
        }

        if (_options.ExtraConfig is { } extra)
        {
            config.AppendLine(extra);
        }

        return config.ToString();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            await process.DisposeAsync().ConfigureAwait(false);
            _process = null;
        }

        TestEnvironment.DeleteWorkDirectory(WorkDirectory);
    }
}
