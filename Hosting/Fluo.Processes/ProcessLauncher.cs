using System.Collections.Concurrent;
using System.Diagnostics;

namespace Fluo.Processes;

/// <summary>
/// Starts every child from one long-lived thread. Children get a parent-death signal (SIGKILL, through
/// <c>setpriv --pdeathsig</c>) so none survives the AppHost, even a SIGKILLed one; Linux sends that signal
/// when the thread that forked the child ends, so forking from pool threads (which retire) would kill
/// children at random. Each child also gets its own session (<c>setsid</c>), so a terminal's Ctrl+C reaches
/// only the AppHost, which then stops projects before servers. Test fixtures start their servers the same way,
/// so a test host that dies takes its servers with it.
/// </summary>
public static class ProcessLauncher
{
    private static readonly BlockingCollection<(ProcessStartInfo Info, TaskCompletionSource<Process> Done)> Queue = new();
    private static readonly Lazy<string?> Setpriv = new(() => BinaryLocator.FindOnPath("setpriv"));
    private static readonly Lazy<string?> Setsid = new(() => BinaryLocator.FindOnPath("setsid"));

    static ProcessLauncher()
    {
        var thread = new Thread(Loop) { IsBackground = true, Name = "Fluo process launcher" };
        thread.Start();
    }

    /// <summary>True when children are tied to this process's life (setpriv and setsid are installed).</summary>
    public static bool TiesChildren => Setpriv.Value is not null && Setsid.Value is not null;

    /// <summary>Starts <paramref name="fileName"/> with output redirected, as <paramref name="runAsUser"/> when given.</summary>
    internal static Task<Process> StartAsync(string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment, string? runAsUser)
    {
        var info = new ProcessStartInfo
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (Setpriv.Value is { } setpriv && Setsid.Value is { } setsid)
        {
            info.FileName = setpriv;
            info.ArgumentList.Add("--pdeathsig=SIGKILL");
            AddUser(info, runAsUser);
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(setsid);
            info.ArgumentList.Add(fileName);
        }
        else if (runAsUser is not null)
        {
            info.FileName = Setpriv.Value ?? throw new InvalidOperationException("'setpriv' (util-linux) is needed to start a server as another user.");
            AddUser(info, runAsUser);
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(fileName);
        }
        else
        {
            info.FileName = fileName;
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        var done = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Queue.Add((info, done));
        return done.Task;

        static void AddUser(ProcessStartInfo info, string? user)
        {
            if (user is not null)
            {
                info.ArgumentList.Add($"--reuid={user}");
                info.ArgumentList.Add($"--regid={user}");
                info.ArgumentList.Add("--init-groups");
            }
        }
    }

    private static void Loop()
    {
        foreach (var (info, done) in Queue.GetConsumingEnumerable())
        {
            try
            {
                var process = new Process { StartInfo = info, EnableRaisingEvents = true };
                process.Start();
                process.StandardInput.Close();
                done.SetResult(process);
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }
    }
}
