using Fluo.Testing.Nats;

namespace Fluo.Nats.Tests.Core;

public class SlowConsumerTests(NatsServerFixture fixture) : IClassFixture<NatsServerFixture>
{
    [Fact]
    public async Task A_full_subscription_drops_and_counts_while_the_connection_stays_healthy()
    {
        await using var connection = await TestConnections.ConnectAsync(fixture.Server.Url);
        var dropped = 0;
        var slow = 0;
        connection.MessageDropped += (_, _) => Interlocked.Increment(ref dropped);
        connection.SlowConsumerDetected += (_, _) => Interlocked.Increment(ref slow);
        await using var stuck = await connection.SubscribeCoreAsync<int>("flood", opts: new NatsSubOpts { ChannelCapacity = 10 });
        await using var healthy = await connection.SubscribeCoreAsync<int>("flood");

        for (var i = 0; i < 2000; i++)
        {
            await connection.PublishAsync("flood", i);
        }

        // The healthy subscription on the same connection gets everything: the stuck one never blocks the reader.
        Assert.Equal(Enumerable.Range(0, 2000), (await healthy.TakeAsync(2000)).Select(m => m.Data));
        Assert.Equal(1990, stuck.DroppedCount);
        Assert.Equal(10, stuck.Msgs.Count);
        await TestConnections.WaitForAsync(() => Volatile.Read(ref dropped) == 1990, "1990 drop events");
        Assert.Equal(1, Volatile.Read(ref slow));
        Assert.Equal(NatsConnectionState.Open, connection.ConnectionState);
        await connection.PingAsync();

        // Once the consumer catches up, messages flow again.
        Assert.Equal(Enumerable.Range(0, 10), (await stuck.TakeAsync(10)).Select(m => m.Data));
        await connection.PublishAsync("flood", 5000);
        Assert.Equal(5000, (await stuck.NextAsync()).Data);
    }
}
