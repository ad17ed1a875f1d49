using System.Runtime.InteropServices;

namespace Fluo.Processes;

/// <summary>The few POSIX calls .NET does not expose: sending a chosen signal, and reading /proc.</summary>
public static partial class Posix
{
    /// <summary>SIGINT (PostgreSQL: fast shutdown).</summary>
    public const int SigInt = 2;

    /// <summary>SIGKILL.</summary>
    public const int SigKill = 9;

    /// <summary>SIGTERM.</summary>
    public const int SigTerm = 15;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when there is no such process.</summary>
    public static bool Signal(int pid, int signal) => SysKill(pid, signal) == 0;

    /// <summary>True when a process with this id exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Field 3, after the parenthesised command name, is the state; Z is a zombie, X is dead.
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>The command line of a live process (arguments separated by spaces), or empty.</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int SysKill(int pid, int signal);
}
