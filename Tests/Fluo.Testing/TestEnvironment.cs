using Fluo.Testing.Processes;

namespace Fluo.Testing;

/// <summary>Where test servers keep their files, and facts about the process running the tests.</summary>
public static class TestEnvironment
{
    /// <summary>Root of every temporary directory the fixtures create (<c>/tmp/fluo-tests</c> by default, <c>FLUO_TEST_ROOT</c> overrides).</summary>
    public static string TempRoot { get; } = Environment.GetEnvironmentVariable("FLUO_TEST_ROOT") is { Length: > 0 } root
        ? root
        : Path.Combine(Path.GetTempPath(), "fluo-tests");

    /// <summary>True when the tests run as root (PostgreSQL then has to be started as another user).</summary>
    public static bool IsRoot => Environment.IsPrivilegedProcess;

    /// <summary>Creates a fresh, uniquely named directory under <see cref="TempRoot"/>, after sweeping up what dead test runs left.</summary>
    public static string CreateWorkDirectory(string kind)
    {
        StaleServerSweeper.SweepOnce();
        var path = Path.Combine(TempRoot, $"{kind}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, StaleServerSweeper.OwnerFile), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return path;
    }

    /// <summary>Deletes a work directory, retrying briefly while a dying process still holds files in it.</summary>
    public static void DeleteWorkDirectory(string path)
    {
        for (var attempt = 0; attempt < 20 && Directory.Exists(path); attempt++)
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(100);
            }
        }
    }
}
