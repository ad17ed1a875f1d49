using System.Collections.Concurrent;
using Fluo.Hosting.ApplicationModel;
using Fluo.Hosting.Orchestration;
using Fluo.Hosting.Processes;
using Microsoft.Extensions.Logging;

namespace Fluo.Hosting.Runners;

/// <summary>
/// Finds a project's build output (the AppHost references its projects, so building the AppHost built them):
/// <c>bin/&lt;configuration&gt;/&lt;tfm&gt;/&lt;name&gt;.dll</c>, else MSBuild's <c>TargetPath</c>; builds once when missing.
/// </summary>
internal static class ProjectLocator
{
    private static readonly ConcurrentDictionary<(string Path, string Configuration), Lazy<Task<string>>> Cache = new();

    public static Task<string> FindAssemblyAsync(ProjectResource project, string configuration, ILogger logger) =>
        Cache.GetOrAdd((project.ProjectPath, configuration), key => new Lazy<Task<string>>(() => LocateAsync(project, key.Configuration, logger))).Value;

    /// <summary>The <c>dotnet</c> host that runs the assemblies.</summary>
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : BinaryLocator.FindOnPath("dotnet") ?? "dotnet";

    private static async Task<string> LocateAsync(ProjectResource project, string configuration, ILogger logger)
    {
        if (Conventional(project, configuration) is { } found)
        {
            return found;
        }

        var targetPath = await TargetPathAsync(project, configuration).ConfigureAwait(false);
        if (!File.Exists(targetPath))
        {
            HostingLog.Building(logger, project.Name, project.ProjectPath);
            await ChildProcess.RunAsync(DotnetHost(), ["build", project.ProjectPath, "-c", configuration, "--nologo", "-v", "q"],
                Path.GetDirectoryName(project.ProjectPath)!, null, TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        }

        return File.Exists(targetPath)
            ? targetPath
            : throw new DistributedApplicationException($"Resource '{project.Name}': no build output at '{targetPath}' after building '{project.ProjectPath}'.");
    }

    private static string? Conventional(ProjectResource project, string configuration)
    {
        var bin = Path.Combine(Path.GetDirectoryName(project.ProjectPath)!, "bin", configuration);
        var name = Path.GetFileNameWithoutExtension(project.ProjectPath) + ".dll";
        return Directory.Exists(bin)
            ? Directory.GetDirectories(bin)
                .Select(d => Path.Combine(d, name))
                .Where(p => File.Exists(p) && File.Exists(Path.ChangeExtension(p, ".runtimeconfig.json")))
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .FirstOrDefault()
            : null;
    }

    private static async Task<string> TargetPathAsync(ProjectResource project, string configuration)
    {
        var output = new List<string>();
        await using var child = await ChildProcess.StartAsync(DotnetHost(),
            ["msbuild", project.ProjectPath, "-getProperty:TargetPath", $"-p:Configuration={configuration}", "-nologo"],
            Path.GetDirectoryName(project.ProjectPath)!, null, null, (line, _) =>
            {
                lock (output)
                {
                    output.Add(line);
                }
            }).ConfigureAwait(false);
        await child.WaitForExitAsync(TimeSpan.FromMinutes(2)).ConfigureAwait(false);
        lock (output)
        {
            return child.ExitCode == 0 && output.LastOrDefault(l => l.Trim().Length > 0) is { } path
                ? path.Trim()
                : throw new DistributedApplicationException(
                    $"Resource '{project.Name}': cannot evaluate '{project.ProjectPath}': {string.Join(Environment.NewLine, output)}");
        }
    }
}
