using Fluo.Testing.Processes;

namespace Fluo.Testing.Tests;

internal static class Leftovers
{
    /// <summary>Asserts the process is gone and the directory removed, as every fixture promises after dispose.</summary>
    public static void AssertGone(int pid, string directory)
    {
        Assert.False(Posix.IsAlive(pid), $"process {pid} is still alive");
        Assert.False(Directory.Exists(directory), $"{directory} still exists");
    }
}
