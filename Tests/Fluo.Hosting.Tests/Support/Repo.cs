using System.Reflection;

namespace Fluo.Hosting.Tests.Support;

/// <summary>Paths in the repository and the build configuration the tests were built in.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Configuration { get; } =
        typeof(Repo).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    public static string TestAppProject => Path.Combine(Root, "Tests", "Fluo.Hosting.TestApp", "Fluo.Hosting.TestApp.csproj");

    public static string TestAppHostDll => Path.Combine(Root, "Tests", "Fluo.Hosting.TestAppHost", "bin", Configuration, "net10.0", "Fluo.Hosting.TestAppHost.dll");

    public static string AppHostDll => Path.Combine(Root, "AppHost", "bin", Configuration, "net10.0", "Fluo.AppHost.dll");

    public static string TempDirectory(string kind)
    {
        var root = Environment.GetEnvironmentVariable("FLUO_TEST_ROOT") is { Length: > 0 } configured ? configured : Path.Combine(Path.GetTempPath(), "fluo-tests");
        var path = Path.Combine(root, $"{kind}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fluo.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Fluo.sln not found above the test directory.");
    }
}
