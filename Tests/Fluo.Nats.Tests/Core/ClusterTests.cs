using Fluo.Testing.Nats;

namespace Fluo.Nats.Tests.Core;

public class ClusterTests
{
    [Fact]
    public async Task Killing_the_connected_node_fails_over_to_a_node_learned_from_the_cluster()
    {
        await using var cluster = await NatsCluster.StartAsync(3);
        await cluster.WaitRoutedAsync(TimeSpan.FromSeconds(20));
        // Only the first node is configured: the others come from INFO connect_urls.
        await using var publisher = await TestConnections.ConnectAsync(cluster.Servers[0].Url, o => o with { NoRandomize = true });
        await using var subscriber = await TestConnections.ConnectAsync(cluster.Servers[2].Url);
        await using var sub = await subscriber.SubscribeCoreAsync<int>("failover.items");
        await TestConnections.WaitForAsync(() => publisher.ServerInfo?.ConnectUrls?.Count >= 2, "connect_urls of the cluster");
        // The subscription's interest reaches the first node over a route some time later, and until then a publish
        // there is dropped: publish until one arrives rather than guess how long that takes under load.
        using (var interest = new CancellationTokenSource(TestConnections.Wait))
        {
            while (true)
            {
                await publisher.PublishAsync("failover.items", 1);
                using var probe = CancellationTokenSource.CreateLinkedTokenSource(interest.Token);
                probe.CancelAfter(TimeSpan.FromMilliseconds(200));
                try
                {
                    Assert.Equal(1, (await sub.Msgs.ReadAsync(probe.Token)).Data);
                    break;
                }
                catch (OperationCanceledException) when (!interest.IsCancellationRequested)
                {
                }
            }
        }

        var reconnected = new TaskCompletionSource();
        publisher.Reconnected += (_, _) => reconnected.TrySetResult();
        await cluster.Servers[0].StopAsync(kill: true);
        await reconnected.Task.WaitAsync(TestConnections.Wait);
        Assert.NotEqual($"nats://127.0.0.1:{cluster.Servers[0].Port}", publisher.ConnectedUrl);
        await publisher.FlushAsync();
        await publisher.PublishAsync("failover.items", 2);
        NatsMsg<int> after;
        do
        {
            after = await sub.NextAsync(); // a probe that was slower than its 200 ms may come first
        }
        while (after.Data == 1);

        Assert.Equal(2, after.Data);
    }

    [Fact]
    public async Task Lame_duck_mode_moves_the_connection_to_another_node_before_the_server_closes_it()
    {
        await using var cluster = await NatsCluster.StartAsync(3);
        await cluster.WaitRoutedAsync(TimeSpan.FromSeconds(20));
        await using var connection = await TestConnections.ConnectAsync(cluster.ConnectionString, o => o with { NoRandomize = true });
        await using var sub = await connection.SubscribeCoreAsync<int>("ldm.items");
        var first = connection.ConnectedUrl!;
        var node = cluster.Servers.Single(s => first.EndsWith($":{s.Port}", StringComparison.Ordinal));
        var lameDuck = new TaskCompletionSource();
        connection.LameDuckModeActivated += (_, _) => lameDuck.TrySetResult();

        await node.EnterLameDuckModeAsync();
        await lameDuck.Task.WaitAsync(TestConnections.Wait);
        // nats-server waits 10 s before closing clients in lame-duck mode; the client moves well before that.
        await TestConnections.WaitForAsync(() => connection.ConnectionState == NatsConnectionState.Open && connection.ConnectedUrl != first, "a move to another node");
        await connection.FlushAsync();
        await connection.PublishAsync("ldm.items", 7);
        Assert.Equal(7, (await sub.NextAsync()).Data);
    }
}
