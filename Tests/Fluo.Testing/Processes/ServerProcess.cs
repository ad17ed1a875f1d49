using System.Diagnostics;
using System.Globalization;

namespace Fluo.Testing.Processes;

/// <summary>
/// A server process started by a fixture: output captured for error messages, its PID recorded in the
/// work directory so a later run can sweep it up if this test process dies, stopped by signal then by force.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const int OutputLines = 200;
    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly string _pidFile;

    private ServerProcess(Process process, string pidFile)
    {
        _process = process;
        _pidFile = pidFile;
    }

    /// <summary>The operating-system process id.</summary>
    public int Id => _process.Id;

    /// <summary>The exit code, once the process has ended.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => !Posix.IsAlive(_process.Id) || _process.HasExited;

    /// <summary>The last lines the process wrote to stdout or stderr.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_output)
            {
                return string.Join(Environment.NewLine, _output);
            }
        }
    }

    /// <summary>Starts <paramref name="fileName"/>, as <paramref name="runAsUser"/> when given (through setpriv, which execs so the PID is the server's).</summary>
    public static ServerProcess Start(string fileName, IEnumerable<string> arguments, string workDirectory, string? runAsUser = null, string pidFileName = "server.pid")
    {
        var info = new ProcessStartInfo
        {
            FileName = runAsUser is null ? fileName : "setpriv",
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        if (runAsUser is not null)
        {
            foreach (var arg in new[] { $"--reuid={runAsUser}", $"--regid={runAsUser}", "--init-groups", "--", fileName })
            {
                info.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in arguments)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new ServerProcess(process, Path.Combine(workDirectory, pidFileName));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        File.WriteAllText(server._pidFile, process.Id.ToString(CultureInfo.InvariantCulture));
        return server;
    }

    /// <summary>Runs a short command to completion and throws with its output when it fails.</summary>
    public static async Task RunAsync(string fileName, IEnumerable<string> arguments, string workDirectory, string? runAsUser = null, TimeSpan? timeout = null)
    {
        await using var process = Start(fileName, arguments, workDirectory, runAsUser, $"{Path.GetFileName(fileName)}.pid");
        if (!await process.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(60)).ConfigureAwait(false))
        {
            throw new TimeoutException($"'{fileName}' did not finish in time. Its output:{Environment.NewLine}{process.RecentOutput}");
        }

        // Output events may trail the exit; WaitForExit() without a timeout drains them.
        process._process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{fileName}' failed with exit code {process.ExitCode}. Its output:{Environment.NewLine}{process.RecentOutput}");
        }
    }

    /// <summary>Sends a POSIX signal (e.g. SIGTERM) to the process.</summary>
    public void Signal(int signal) => Posix.Signal(_process.Id, signal);

    /// <summary>Waits until the process has ended or the timeout passes; true when it ended.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return HasExited;
        }
    }

    /// <summary>Sends <paramref name="signal"/>, waits up to <paramref name="grace"/>, then kills the process.</summary>
    public async Task StopAsync(int signal, TimeSpan grace)
    {
        if (!HasExited && signal != Posix.SigKill)
        {
            Signal(signal);
            if (await WaitForExitAsync(grace).ConfigureAwait(false))
            {
                Forget();
                return;
            }
        }

        await KillAsync().ConfigureAwait(false);
    }

    /// <summary>Kills the process with SIGKILL and waits for it to be gone.</summary>
    public async Task KillAsync()
    {
        if (!HasExited)
        {
            Signal(Posix.SigKill);
            if (!await WaitForExitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"Process {Id} did not die after SIGKILL.");
            }
        }

        Forget();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private void Forget() => File.Delete(_pidFile);

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > OutputLines)
            {
                _output.Dequeue();
            }
        }
    }
}
