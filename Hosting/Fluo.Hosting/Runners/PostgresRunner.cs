using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Fluo.Hosting.ApplicationModel;
using Fluo.Hosting.Health;
using Fluo.Hosting.Orchestration;
using Fluo.Hosting.Processes;
using Npgsql;

namespace Fluo.Hosting.Runners;

/// <summary>
/// Runs PostgreSQL from the Debian binaries: <c>initdb</c> into the state folder on first run (SCRAM over TCP,
/// trust only on the private Unix socket), started as user <c>postgres</c> when the AppHost is root; the
/// superuser password is set from the parameter at every start, so a changed parameter still logs in.
/// </summary>
internal sealed class PostgresRunner(PostgresServerResource postgres, RunContext context) : ResourceRunner(postgres, context)
{
    private const string SystemUser = "postgres";
    private ChildProcess? _process;
    private PostgresProbe? _probe;
    private volatile bool _stopping;

    public override string Type => "postgres";

    public override bool CanStopAndStart => true;

    public int Port { get; private set; }

    public override string? ConnectionString =>
        $"Host=localhost;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Password={Password}";

    public override IReadOnlyList<string> Urls => [$"tcp://localhost:{Port.ToString(CultureInfo.InvariantCulture)}"];

    public override IReadOnlyList<ReplicaSnapshot> InitialReplicas => [new(0, postgres.Name, null, Urls[0], ResourceState.NotStarted)];

    private string Password => Context.Parameters[postgres.Password];

    private static string? RunAsUser => Environment.IsPrivilegedProcess ? SystemUser : null;

    public override void Prepare() =>
        Port = postgres.Port is { } fixedPort && !Context.Options.RandomizePorts ? fixedPort : FreePort.Next();

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = false;
        var bin = ServerBinaries.FindPostgresBin(Context.Configuration, postgres.Name).Path!;
        var directory = DataRoot();
        var data = Path.Combine(directory, "data");
        Directory.CreateDirectory(directory);
        if (!File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            await InitAsync(bin, directory, data).ConfigureAwait(false);
        }

        RemoveStalePidFile(data);
        List<string> arguments =
        [
            "-D", data,
            "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-c", "listen_addresses=localhost",
            "-c", $"unix_socket_directories={directory}",
        ];
        if (Context.Options.FastStorage)
        {
            // wal_init_zero=off: a new cluster creates a WAL segment every 16 MB written and would first fill it with zeros
            // (measured at 1.4% of the machine under the ingest benchmark); only worth it when the WAL is fsynced.
            arguments.AddRange(["-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off", "-c", "wal_init_zero=off"]);
        }

        _process = await ChildProcess.StartAsync(Path.Combine(bin, "postgres"), arguments, directory, null, RunAsUser, LogSink(0)).ConfigureAwait(false);
        if (_stopping)
        {
            await StopAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
        var pid = _process.Id;
        SetReplica(0, r => r with { ProcessId = pid, State = ResourceState.Starting, StartedAt = DateTimeOffset.UtcNow });
        await WaitReadyAsync(directory, cancellationToken).ConfigureAwait(false);
        SetReplica(0, r => r with { State = ResourceState.Healthy });
        SetState(ResourceState.Healthy);
        _ = WatchAsync(_process);
    }

    public override Task<IReadOnlyList<HealthCheckSnapshot>> CheckHealthAsync(ResourceSnapshot current, CancellationToken cancellationToken) =>
        CheckReplicasAsync(current, "postgres", _ =>
            (_probe ??= new PostgresProbe(ConnectionString!, $"accepts logins on port {Port.ToString(CultureInfo.InvariantCulture)}")).QueryAsync(cancellationToken));

    public override async Task StopAsync()
    {
        _stopping = true;
        if (Interlocked.Exchange(ref _probe, null) is { } probe)
        {
            await probe.DisposeAsync().ConfigureAwait(false);
        }

        if (_process is { } process)
        {
            // SIGINT is PostgreSQL's fast shutdown: clients are disconnected, data is checkpointed.
            await process.StopAsync(Posix.SigInt, TimeSpan.FromSeconds(15)).ConfigureAwait(false);
            await process.DisposeAsync().ConfigureAwait(false);
        }
    }

    // PostgreSQL runs as 'postgres' when we are root; that user must be able to reach its data directory.
    private string DataRoot()
    {
        if (RunAsUser is null || StateDirectory.IsTraversableByOthers(Context.StateDirectory))
        {
            return Path.Combine(Context.StateDirectory, "postgres", postgres.Name);
        }

        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Context.StateDirectory)))[..12].ToLowerInvariant();
        return Path.Combine("/var/tmp", $"fluo-{hash}", "postgres", postgres.Name);
    }

    private async Task InitAsync(string bin, string directory, string data)
    {
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }

        var passwordFile = Path.Combine(directory, "pwfile");
        await File.WriteAllTextAsync(passwordFile, Password).ConfigureAwait(false);
        if (RunAsUser is { } user)
        {
            await ChildProcess.RunAsync("chown", ["-R", $"{user}:{user}", directory], directory, null, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }

        UnixFiles.MakePrivate(directory);
        try
        {
            await ChildProcess.RunAsync(Path.Combine(bin, "initdb"),
            [
                "-D", data, "-U", "postgres", $"--pwfile={passwordFile}",
                "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
            ], directory, RunAsUser, TimeSpan.FromSeconds(120)).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    // A killed postmaster leaves postmaster.pid behind; a dead PID in it would block the next start.
    private static void RemoveStalePidFile(string data)
    {
        var pidFile = Path.Combine(data, "postmaster.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid) && !Posix.IsAlive(pid))
        {
            File.Delete(pidFile);
        }
    }

    private async Task WaitReadyAsync(string socketDirectory, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var socket = $"Host={socketDirectory};Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=postgres;Pooling=false;Timeout=2";
        var problem = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process!.HasExited)
            {
                await _process.WaitForExitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                throw new InvalidOperationException($"PostgreSQL exited during start-up with code {_process.ExitCode} (port {Port}). Its output:{Environment.NewLine}{_process.Tail}");
            }

            try
            {
                await using (var admin = new NpgsqlConnection(socket))
                {
                    await admin.OpenAsync(cancellationToken).ConfigureAwait(false);
                    await using var alter = new NpgsqlCommand($"ALTER ROLE postgres PASSWORD '{Password.Replace("'", "''", StringComparison.Ordinal)}'", admin);
                    await alter.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false;Timeout=2");
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using var query = new NpgsqlCommand("SELECT 1", connection);
                await query.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                problem = e.Message;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"PostgreSQL on port {Port} did not accept logins within 60s ({problem}). Its output:{Environment.NewLine}{_process?.Tail}");
    }

    private async Task WatchAsync(ChildProcess process)
    {
        await process.Exited.ConfigureAwait(false);
        if (!_stopping && _process == process)
        {
            HostingLog.ServerExited(Context.Logger, postgres.Name, process.Id, process.ExitCode);
            SetReplica(0, r => r with { State = ResourceState.Stopped, LastExitCode = process.ExitCode });
            SetState(ResourceState.Stopped, $"postgres (PID {process.Id}) exited with code {process.ExitCode}");
        }
    }
}
