namespace Fluo.Testing.Processes;

/// <summary>POSIX signals and process liveness for tests; the calls live in <see cref="Fluo.Processes.Posix"/>.</summary>
public static class Posix
{
    /// <summary>SIGINT (PostgreSQL: fast shutdown).</summary>
    public const int SigInt = Fluo.Processes.Posix.SigInt;

    /// <summary>SIGKILL.</summary>
    public const int SigKill = Fluo.Processes.Posix.SigKill;

    /// <summary>SIGTERM.</summary>
    public const int SigTerm = Fluo.Processes.Posix.SigTerm;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process does not exist.</summary>
    public static bool Signal(int pid, int signal) => Fluo.Processes.Posix.Signal(pid, signal);

    /// <summary>True when a process with this id exists and is not a zombie.</summary>
    public static bool IsAlive(int pid) => Fluo.Processes.Posix.IsAlive(pid);

    /// <summary>The command line of a live process, or empty.</summary>
    public static string CommandLine(int pid) => Fluo.Processes.Posix.CommandLine(pid);
}
