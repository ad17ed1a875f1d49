using System.Diagnostics;
using System.Globalization;

namespace Fluo.Processes;

/// <summary>
/// A child started by <see cref="ProcessLauncher"/>: its output goes line by line to a callback (and a tail is kept for
/// error messages); it can be signalled, stopped and killed.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int TailLines = 200;
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly Task _exited;
    private int? _exitCode;

    private ChildProcess(Process process, Action<string, bool> onLine)
    {
        _process = process;
        Id = process.Id;
        process.OutputDataReceived += (_, e) => OnLine(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, isError: true);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _exited = WaitAsync();

        async Task WaitAsync()
        {
            await process.WaitForExitAsync().ConfigureAwait(false);
            _exitCode = process.ExitCode;
        }

        void OnLine(string? line, bool isError)
        {
            if (line is null)
            {
                return;
            }

            lock (_tail)
            {
                _tail.Enqueue(line);
                if (_tail.Count > TailLines)
                {
                    _tail.Dequeue();
                }
            }

            onLine(line, isError);
        }
    }

    /// <summary>The process id (the program's own: setpriv and setsid exec).</summary>
    public int Id { get; }

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _exitCode is not null || !Posix.IsAlive(Id);

    /// <summary>Completes when the process has ended and its output is drained.</summary>
    public Task Exited => _exited;

    /// <summary>The exit code, once ended.</summary>
    public int ExitCode => _exitCode ?? -1;

    /// <summary>The last lines of output.</summary>
    public string Tail
    {
        get
        {
            lock (_tail)
            {
                return string.Join(Environment.NewLine, _tail);
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> in <paramref name="workingDirectory"/>, as <paramref name="runAsUser"/> when given;
    /// <paramref name="onLine"/> gets each output line and whether it came from stderr.
    /// </summary>
    public static async Task<ChildProcess> StartAsync(string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment, string? runAsUser, Action<string, bool>? onLine = null)
    {
        onLine ??= static (_, _) => { };
        var process = await ProcessLauncher.StartAsync(fileName, arguments, workingDirectory, environment, runAsUser).ConfigureAwait(false);
        return new ChildProcess(process, onLine);
    }

    /// <summary>Runs a short command to completion; throws with its output when it fails.</summary>
    public static async Task RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, string? runAsUser, TimeSpan timeout)
    {
        await using var child = await StartAsync(fileName, arguments, workingDirectory, null, runAsUser).ConfigureAwait(false);
        if (!await child.WaitForExitAsync(timeout).ConfigureAwait(false))
        {
            throw new TimeoutException($"'{Path.GetFileName(fileName)}' did not finish within {timeout.TotalSeconds:0}s. Its output:{Environment.NewLine}{child.Tail}");
        }

        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{Path.GetFileName(fileName)} {string.Join(' ', arguments)}' failed with exit code {child.ExitCode.ToString(CultureInfo.InvariantCulture)}. Its output:{Environment.NewLine}{child.Tail}");
        }
    }

    /// <summary>Sends a signal.</summary>
    public void Signal(int signal) => Posix.Signal(Id, signal);

    /// <summary>Waits for the end up to <paramref name="timeout"/>; true when it ended.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _exited.WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return HasExited;
        }
    }

    /// <summary>Sends <paramref name="signal"/>, waits up to <paramref name="grace"/>, then SIGKILLs; true when the process ended.</summary>
    public async Task<bool> StopAsync(int signal, TimeSpan grace)
    {
        if (HasExited)
        {
            return true;
        }

        if (signal != Posix.SigKill)
        {
            Signal(signal);
            if (await WaitForExitAsync(grace).ConfigureAwait(false))
            {
                return true;
            }
        }

        return await KillAsync().ConfigureAwait(false);
    }

    /// <summary>Sends SIGKILL and waits up to 10 s; true when the process ended.</summary>
    public async Task<bool> KillAsync()
    {
        if (HasExited)
        {
            return true;
        }

        Signal(Posix.SigKill);
        return await WaitForExitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        _process.Dispose();
    }
}
