using System.Text.Json;
using Fluo.Testing.Nats;

namespace Fluo.Testing.Tests;

public class NatsClusterTests
{
    [Fact]
    public async Task Three_routed_servers_survive_one_member_dying_and_coming_back()
    {
        await using var cluster = await NatsCluster.StartAsync();

        Assert.Equal(3, cluster.Servers.Select(s => s.Port).Distinct().Count());
        foreach (var server in cluster.Servers)
        {
            Assert.Equal("PONG", await RawNatsClient.HandshakeAsync(server.Port));
            using var varz = JsonDocument.Parse(await server.GetMonitorAsync("varz"));
            Assert.Equal(cluster.Name, varz.RootElement.GetProperty("cluster").GetProperty("name").GetString());
        }

        var victim = cluster.Servers[0];
        await victim.StopAsync(kill: true);
        Assert.Equal("PONG", await RawNatsClient.HandshakeAsync(cluster.Servers[1].Port));

        await victim.StartAgainAsync();
        await cluster.WaitRoutedAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("PONG", await RawNatsClient.HandshakeAsync(victim.Port));
    }

    [Fact]
    public async Task Leaves_no_process_or_directory_after_dispose()
    {
        var cluster = await NatsCluster.StartAsync();
        var members = cluster.Servers.Select(s => (s.ProcessId, s.WorkDirectory)).ToList();

        await cluster.DisposeAsync();

        foreach (var (pid, directory) in members)
        {
            Leftovers.AssertGone(pid, directory);
        }
    }
}
