using Fluo.Hosting.Tests.Support;

namespace Fluo.Hosting.Tests;

/// <summary>
/// A real AppHost process (NATS, PostgreSQL, two test-app replicas): Ctrl+C stops everything in order, and a
/// SIGKILLed AppHost leaves nothing running, checked by PID.
/// </summary>
public sealed class ProcessLifetimeTests
{
    private const int SigInt = 2;
    private const int SigKill = 9;

    [Fact]
    public async Task Ctrl_C_stops_projects_then_servers_and_leaves_nothing_running()
    {
        await using var host = AppHostProcess.Start(Repo.TestAppHostDll);
        await host.WaitForOutputAsync("press Ctrl+C to stop", TimeSpan.FromSeconds(90));
        var tree = Running(host);

        host.Signal(SigInt);
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Empty(await ProcessTree.WaitAllDeadAsync(tree, TimeSpan.FromSeconds(2)));
        var lines = host.Output.Split(Environment.NewLine);
        var projectStopped = Array.FindLastIndex(lines, l => l.StartsWith("app", StringComparison.Ordinal) && l.Contains("Application is shutting down", StringComparison.Ordinal));
        var postgresStopped = Array.FindIndex(lines, l => l.Contains("database system is shut down", StringComparison.Ordinal));
        Assert.True(projectStopped >= 0 && postgresStopped > projectStopped, host.Output);
    }

    [Fact]
    public async Task Killing_the_AppHost_with_SIGKILL_leaves_nothing_running()
    {
        await using var host = AppHostProcess.Start(Repo.TestAppHostDll);
        await host.WaitForOutputAsync("press Ctrl+C to stop", TimeSpan.FromSeconds(90));
        var tree = Running(host);

        host.Signal(SigKill);
        await host.WaitForExitAsync(TimeSpan.FromSeconds(10));
        var survivors = await ProcessTree.WaitAllDeadAsync(tree, TimeSpan.FromSeconds(5));
        Assert.True(survivors.Count == 0, $"still running: {string.Join(", ", survivors.Select(p => $"{p} {ProcessTree.CommandLine(p)}"))}");
    }

    [Fact]
    public async Task The_real_AppHost_reports_bad_input_on_stderr_and_exits_1_without_starting_anything()
    {
        await using var host = AppHostProcess.Start(Repo.AppHostDll, new Dictionary<string, string> { ["FLUO_NATS_SERVER"] = "/nonexistent/nats-server" });

        Assert.Equal(1, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("fluo: cannot start the application: Resource 'nats': FLUO_NATS_SERVER points at '/nonexistent/nats-server'", host.Output);
        Assert.DoesNotContain("postgres ", host.Output);
    }

    // NATS, the postmaster and its backends, two test-app replicas.
    private static IReadOnlyList<int> Running(AppHostProcess host)
    {
        Assert.Matches(@"(?m)^resource +state +url$", host.Output);
        Assert.Matches(@"(?m)^nats +running +nats://localhost:\d+$", host.Output);
        Assert.Matches(@"(?m)^testdb +running +tcp://localhost:\d+$", host.Output);
        Assert.Matches(@"(?m)^app +running +http://localhost:\d+ http://localhost:\d+$", host.Output);
        var tree = ProcessTree.Descendants(host.Id);
        var commands = tree.Select(ProcessTree.CommandLine).ToList();
        Assert.Contains(commands, c => c.Contains("nats-server", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains("bin/postgres -D", StringComparison.Ordinal));
        Assert.Equal(2, commands.Count(c => c.Contains("Fluo.Hosting.TestApp.dll", StringComparison.Ordinal)));
        return tree;
    }
}
