using System.Globalization;
using Fluo.Processes;

namespace Fluo.Testing.Processes;

/// <summary>
/// A server process started by a fixture (a <see cref="ChildProcess"/>, so it dies with the test host): output kept
/// for error messages, its PID recorded in the work directory so a later run can sweep it up, stopped by signal then by force.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly ChildProcess _child;
    private readonly string _pidFile;

    private ServerProcess(ChildProcess child, string pidFile)
    {
        _child = child;
        _pidFile = pidFile;
    }

    /// <summary>The operating-system process id (the server's own: setpriv and setsid exec).</summary>
    public int Id => _child.Id;

    /// <summary>The exit code, once the process has ended.</summary>
    public int ExitCode => _child.ExitCode;

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _child.HasExited;

    /// <summary>The last lines the process wrote to stdout or stderr.</summary>
    public string RecentOutput => _child.Tail;

    /// <summary>Starts <paramref name="fileName"/>, as <paramref name="runAsUser"/> when given, and records its PID in <paramref name="workDirectory"/>.</summary>
    public static async Task<ServerProcess> StartAsync(string fileName, IEnumerable<string> arguments, string workDirectory, string? runAsUser = null, string pidFileName = "server.pid")
    {
        var child = await ChildProcess.StartAsync(fileName, arguments, workDirectory, null, runAsUser).ConfigureAwait(false);
        var server = new ServerProcess(child, Path.Combine(workDirectory, pidFileName));
        await File.WriteAllTextAsync(server._pidFile, child.Id.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        return server;
    }

    /// <summary>Runs a short command to completion and throws with its output when it fails.</summary>
    public static Task RunAsync(string fileName, IEnumerable<string> arguments, string workDirectory, string? runAsUser = null, TimeSpan? timeout = null) =>
        ChildProcess.RunAsync(fileName, arguments, workDirectory, runAsUser, timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>Sends a POSIX signal (e.g. SIGTERM) to the process.</summary>
    public void Signal(int signal) => _child.Signal(signal);

    /// <summary>Waits until the process has ended or the timeout passes; true when it ended.</summary>
    public Task<bool> WaitForExitAsync(TimeSpan timeout) => _child.WaitForExitAsync(timeout);

    /// <summary>Sends <paramref name="signal"/>, waits up to <paramref name="grace"/>, then kills the process.</summary>
    public async Task StopAsync(int signal, TimeSpan grace) => Ended(await _child.StopAsync(signal, grace).ConfigureAwait(false));

    /// <summary>Kills the process with SIGKILL and waits for it to be gone.</summary>
    public async Task KillAsync() => Ended(await _child.KillAsync().ConfigureAwait(false));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        await _child.DisposeAsync().ConfigureAwait(false);
    }

    private void Ended(bool ended)
    {
        if (!ended)
        {
            throw new InvalidOperationException($"Process {Id} did not die after SIGKILL.");
        }

        File.Delete(_pidFile);
    }
}
