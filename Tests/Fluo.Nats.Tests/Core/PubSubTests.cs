using Fluo.Testing.Nats;

namespace Fluo.Nats.Tests.Core;

public class PubSubTests(NatsServerFixture fixture) : IClassFixture<NatsServerFixture>
{
    private string Url => fixture.Server.Url;

    [Fact]
    public async Task Messages_arrive_in_order_on_another_connection()
    {
        await using var subscriber = await TestConnections.ConnectAsync(Url);
        await using var publisher = await TestConnections.ConnectAsync(Url);
        await using var sub = await subscriber.SubscribeCoreAsync<string>("orders.created");
        for (var i = 0; i < 200; i++)
        {
            await publisher.PublishAsync("orders.created", $"order-{i}");
        }

        var received = await sub.TakeAsync(200);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"order-{i}"), received.Select(m => m.Data));
        Assert.All(received, m => Assert.Equal("orders.created", m.Subject));
        Assert.Equal("orders.created".Length + "order-0".Length, received[0].Size);
    }

    [Fact]
    public async Task Wildcard_subscriptions_match_tokens()
    {
        await using var connection = await TestConnections.ConnectAsync(Url);
        await using var star = await connection.SubscribeCoreAsync<string>("wild.*.created");
        await using var tail = await connection.SubscribeCoreAsync<string>("wild.>");
        await connection.PublishAsync("wild.orders.created", "a");
        await connection.PublishAsync("wild.orders.deep.created", "b");
        Assert.Equal("wild.orders.created", (await star.NextAsync()).Subject);
        var both = await tail.TakeAsync(2);
        Assert.Equal(["wild.orders.created", "wild.orders.deep.created"], both.Select(m => m.Subject));
        await connection.FlushAsync();
        Assert.False(star.Msgs.TryRead(out _));
    }

    [Fact]
    public async Task Queue_groups_spread_messages_over_members()
    {
        await using var a = await TestConnections.ConnectAsync(Url);
        await using var b = await TestConnections.ConnectAsync(Url);
        await using var publisher = await TestConnections.ConnectAsync(Url);
        await using var subA = await a.SubscribeCoreAsync<int>("work.items", queueGroup: "workers");
        await using var subB = await b.SubscribeCoreAsync<int>("work.items", queueGroup: "workers");
        for (var i = 0; i < 400; i++)
        {
            await publisher.PublishAsync("work.items", i);
        }

        await publisher.FlushAsync();
        var gotA = new List<NatsMsg<int>>();
        var gotB = new List<NatsMsg<int>>();
        await TestConnections.WaitForAsync(() => { subA.Msgs.TryReadAll(gotA); subB.Msgs.TryReadAll(gotB); return gotA.Count + gotB.Count >= 400; }, "400 messages");
        Assert.Equal(Enumerable.Range(0, 400), gotA.Concat(gotB).Select(m => m.Data).Order());
        // The server picks a member at random per message: with 400 messages an empty share means no spreading.
        Assert.InRange(gotA.Count, 100, 300);
        Assert.InRange(gotB.Count, 100, 300);
    }

    [Fact]
    public async Task Headers_travel_with_the_message()
    {
        await using var connection = await TestConnections.ConnectAsync(Url);
        await using var sub = await connection.SubscribeCoreAsync<string>("with.headers");
        var headers = new NatsHeaders { ["Order-Id"] = "o-42" };
        headers.Append("Tag", "a");
        headers.Append("Tag", "b");
        await connection.PublishAsync("with.headers", "body", headers);
        var msg = await sub.NextAsync();
        Assert.Equal("body", msg.Data);
        Assert.Equal("o-42", msg.Headers!["Order-Id"]);
        Assert.Equal(new[] { "a", "b" }, (string[])msg.Headers["Tag"]!);
    }

    [Fact]
    public async Task One_megabyte_messages_arrive_intact_and_larger_ones_fail_before_sending()
    {
        await using var connection = await TestConnections.ConnectAsync(Url);
        await using var sub = await connection.SubscribeCoreAsync<byte[]>("big");
        var payload = new byte[1_000_000];
        Random.Shared.NextBytes(payload);
        for (var i = 0; i < 3; i++)
        {
            await connection.PublishAsync("big", payload);
        }

        foreach (var msg in await sub.TakeAsync(3))
        {
            Assert.Equal(payload, msg.Data);
        }

        var tooLarge = new byte[connection.ServerInfo!.MaxPayload + 1];
        var error = await Assert.ThrowsAsync<NatsPayloadTooLargeException>(() => connection.PublishAsync("big", tooLarge).AsTask());
        Assert.Equal(connection.ServerInfo.MaxPayload, error.MaxPayload);
        await connection.PublishAsync("big", new byte[] { 1 });
        Assert.Equal(new byte[] { 1 }, (await sub.NextAsync()).Data);
        Assert.Equal(NatsConnectionState.Open, connection.ConnectionState);
    }

    [Fact]
    public async Task Max_messages_unsubscribes_automatically()
    {
        await using var connection = await TestConnections.ConnectAsync(Url);
        var sub = await connection.SubscribeCoreAsync<int>("limited", opts: new NatsSubOpts { MaxMsgs = 3 });
        for (var i = 0; i < 10; i++)
        {
            await connection.PublishAsync("limited", i);
        }

        var received = new List<int>();
        await foreach (var msg in sub.Msgs.ReadAllAsync().WithCancellation(new CancellationTokenSource(TestConnections.Wait).Token))
        {
            received.Add(msg.Data);
        }

        Assert.Equal([0, 1, 2], received);
        Assert.Equal(0, connection.SubscriptionCount);
    }

    [Fact]
    public async Task Subscribe_async_enumerable_ends_on_cancellation_and_unsubscribes()
    {
        await using var connection = await TestConnections.ConnectAsync(Url);
        using var cts = new CancellationTokenSource();
        var received = new List<string?>();
        var loop = Task.Run(async () =>
        {
            await foreach (var msg in connection.SubscribeAsync<string>("enumerated", cancellationToken: cts.Token))
            {
                received.Add(msg.Data);
                if (received.Count == 2)
                {
                    await cts.CancelAsync();
                }
            }
        });
        await TestConnections.WaitForAsync(() => connection.SubscriptionCount == 1, "the subscription");
        await connection.PublishAsync("enumerated", "one");
        await connection.PublishAsync("enumerated", "two");
        await loop.WaitAsync(TestConnections.Wait);
        Assert.Equal(["one", "two"], received);
        Assert.Equal(0, connection.SubscriptionCount);
    }

    [Fact]
    public async Task Ping_measures_a_round_trip()
    {
        await using var connection = await TestConnections.ConnectAsync(Url);
        var rtt = await connection.PingAsync();
        Assert.InRange(rtt, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Equal(NatsConnectionState.Open, connection.ConnectionState);
        Assert.NotEmpty(connection.ServerInfo!.Version);
    }

    [Fact]
    public async Task Dispose_drains_publishes_that_were_accepted()
    {
        await using var subscriber = await TestConnections.ConnectAsync(Url);
        await using var sub = await subscriber.SubscribeCoreAsync<int>("drained");
        var publisher = await TestConnections.ConnectAsync(Url);
        for (var i = 0; i < 5000; i++)
        {
            await publisher.PublishAsync("drained", i);
        }

        await publisher.DisposeAsync();
        Assert.Equal(NatsConnectionState.Closed, publisher.ConnectionState);
        var received = await sub.TakeAsync(5000);
        Assert.Equal(Enumerable.Range(0, 5000), received.Select(m => m.Data));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => publisher.PublishAsync("drained", 1).AsTask());
    }
}
