using System.Globalization;
using System.Security.Cryptography;
using Fluo.Testing.Processes;
using Npgsql;

namespace Fluo.Testing.Postgres;

/// <summary>
/// A real PostgreSQL server: <c>initdb</c> into a temporary directory with password (SCRAM) authentication,
/// started on a free loopback port (as the <c>postgres</c> user when the tests run as root),
/// stopped and removed on dispose.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string SystemUser = "postgres";
    private readonly string _bin;
    private ServerProcess? _process;

    private PostgresServer(string bin, string workDirectory, int port, string password)
    {
        _bin = bin;
        WorkDirectory = workDirectory;
        Port = port;
        Password = password;
    }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The password of the <c>postgres</c> superuser.</summary>
    public string Password { get; }

    /// <summary>The server's temporary directory (data, socket, PID file); removed on dispose.</summary>
    public string WorkDirectory { get; }

    /// <summary>The data directory.</summary>
    public string DataDirectory => Path.Combine(WorkDirectory, "data");

    /// <summary>The postmaster's PID (or the last one's, once stopped).</summary>
    public int ProcessId { get; private set; }

    /// <summary>True while the postmaster is alive.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>A connection string to the <c>postgres</c> maintenance database.</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    /// <summary>Initialises a cluster, starts the server and waits until it accepts a password login.</summary>
    /// <exception cref="Fluo.Processes.MissingServerBinaryException">PostgreSQL is not installed.</exception>
    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var bin = BinaryLocator.FindPostgresBin();
        var workDirectory = TestEnvironment.CreateWorkDirectory("postgres");
        var server = new PostgresServer(bin, workDirectory, FreePort.Next(), Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
        try
        {
            await server.InitAsync().ConfigureAwait(false);
            await server.StartAgainAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A connection string (Aspire's format) for <paramref name="database"/> on this server.</summary>
    public string ConnectionStringFor(string database) =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Password={Password};Database={database}";

    /// <summary>Creates a database (named uniquely when <paramref name="name"/> is null) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        name ??= $"test_{Guid.NewGuid().ToString("N")[..12]}";
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return ConnectionStringFor(name);
    }

    /// <summary>Starts the postmaster again on the same port and data and waits until it accepts logins.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"PostgreSQL is already running (PID {ProcessId}).");
        }

        _process = await ServerProcess.StartAsync(Path.Combine(_bin, "postgres"),
        [
            "-D", DataDirectory,
            "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1",
            "-c", $"unix_socket_directories={WorkDirectory}",
            "-c", "max_connections=200",
            // Tests need no durability across power loss, only across a killed server: the kernel's page
            // cache survives that, so skipping fsync is safe. Commits stay synchronous (WAL reaches the kernel).
            "-c", "fsync=off",
            "-c", "full_page_writes=off",
        ], WorkDirectory, RunAsUser).ConfigureAwait(false);
        ProcessId = _process.Id;
        await WaitReadyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the server (fast shutdown, or SIGKILL when <paramref name="kill"/>), keeping its data and port.</summary>
    public async Task StopAsync(bool kill = false)
    {
        if (_process is { } process)
        {
            await process.StopAsync(kill ? Posix.SigKill : Posix.SigInt, TimeSpan.FromSeconds(15)).ConfigureAwait(false);
            await process.DisposeAsync().ConfigureAwait(false);
            _process = null;
            if (kill)
            {
                await WaitForBackendsToExitAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Stops and starts the server again on the same port and data.</summary>
    public async Task RestartAsync(bool kill = false, CancellationToken cancellationToken = default)
    {
        await StopAsync(kill).ConfigureAwait(false);
        await StartAgainAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        TestEnvironment.DeleteWorkDirectory(WorkDirectory);
    }

    private static string? RunAsUser => TestEnvironment.IsRoot ? SystemUser : null;

    private async Task InitAsync()
    {
        var passwordFile = Path.Combine(WorkDirectory, "pwfile");
        await File.WriteAllTextAsync(passwordFile, Password).ConfigureAwait(false);
        if (RunAsUser is { } user)
        {
            await ServerProcess.RunAsync("chown", ["-R", $"{user}:{user}", WorkDirectory], WorkDirectory).ConfigureAwait(false);
        }

        await ServerProcess.RunAsync(Path.Combine(_bin, "initdb"),
        [
            "-D", DataDirectory, "-U", "postgres", $"--pwfile={passwordFile}",
            "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
        ], WorkDirectory, RunAsUser).ConfigureAwait(false);
        File.Delete(passwordFile);
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var connectionString = ConnectionString + ";Pooling=false;Timeout=2";
        while (true)
        {
            if (_process is null || _process.HasExited)
            {
                throw new InvalidOperationException($"PostgreSQL exited during start-up (port {Port}). Its output:{Environment.NewLine}{_process?.RecentOutput}");
            }

            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (NpgsqlException e) when (DateTime.UtcNow < deadline)
            {
                _ = e;
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException e)
            {
                throw new TimeoutException($"PostgreSQL did not accept logins within 30s ({e.Message}). Its output:{Environment.NewLine}{_process.RecentOutput}", e);
            }
        }
    }

    // After SIGKILL of the postmaster its backends notice and exit on their own; wait so the port and
    // shared memory are free before a restart.
    private async Task WaitForBackendsToExitAsync()
    {
        for (var i = 0; i < 100 && Directory.EnumerateDirectories("/proc").Any(IsOurBackend); i++)
        {
            await Task.Delay(100).ConfigureAwait(false);
        }

        bool IsOurBackend(string procDir) =>
            int.TryParse(Path.GetFileName(procDir), out var pid) && File.Exists(Path.Combine(procDir, "cmdline"))
            && Posix.IsAlive(pid) && HasOurWorkingDirectory(pid);

        bool HasOurWorkingDirectory(int pid)
        {
            try
            {
                // Backends keep the postmaster's working directory, which is ours alone.
                return new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget is { } cwd && cwd.StartsWith(WorkDirectory, StringComparison.Ordinal);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }
    }
}
