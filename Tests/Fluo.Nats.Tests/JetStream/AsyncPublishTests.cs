using Fluo.Nats.JetStream;
using Fluo.Nats.Tests.Core;
using Fluo.Testing.Nats;

namespace Fluo.Nats.Tests.JetStream;

public class AsyncPublishTests(NatsServerFixture fixture) : IClassFixture<NatsServerFixture>
{
    private string Url => fixture.Server.Url;

    [Fact]
    public async Task Every_publish_gets_its_own_ack_through_one_reply_subscription()
    {
        var (connection, js) = await JS.ConnectAsync(Url);
        await using var _ = connection;
        var name = JS.Name("APUB");
        await js.StreamAsync(name, storage: StreamStorage.File);
        await using var publisher = js.CreatePublisher(new NatsJSPublisherOpts { MaxInFlight = 64 });
        var subscriptionsBefore = connection.SubscriptionCount;

        var futures = new List<NatsJSPublishFuture>();
        for (var i = 0; i < 3000; i++)
        {
            futures.Add(await publisher.PublishAsync($"{name}.{i % 3}", i));
            Assert.True(publisher.InFlight <= 64, "the window bounds the publishes awaiting acks");
        }

        await publisher.WaitAllAsync().AsTask().WaitAsync(TestConnections.Wait);
        var acks = new List<PubAck>();
        foreach (var future in futures)
        {
            acks.Add(await future);
        }

        // One publisher from one connection: the stream stores them in publish order.
        Assert.Equal(Enumerable.Range(1, 3000).Select(i => (ulong)i), acks.Select(a => a.Seq));
        Assert.All(acks, a => Assert.Equal(name, a.Stream));
        Assert.Equal((3000L, 0L, 0), (publisher.Acked, publisher.Failed, publisher.InFlight));
        Assert.Equal(subscriptionsBefore + 1, connection.SubscriptionCount);
        Assert.Equal(3000ul, (await js.GetStreamAsync(name)).State.Messages);
        var stored = await js.GetMsgAsync(name, new StreamMsgGetRequest { Seq = 1234 });
        Assert.Equal($"{name}.{1233 % 3}", stored.Subject);
    }

    [Fact]
    public async Task A_refused_publish_fails_its_own_future_only()
    {
        var (connection, js) = await JS.ConnectAsync(Url);
        await using var _ = connection;
        var name = JS.Name("AREF");
        await js.StreamAsync(name);
        await using var publisher = js.CreatePublisher();

        var first = await publisher.PublishAsync($"{name}.a", "1");
        var refused = await publisher.PublishAsync($"{name}.a", "2", new NatsJSPubOpts { ExpectedLastSequence = 99 });
        var duplicate = await publisher.PublishAsync($"{name}.a", "3", new NatsJSPubOpts { MsgId = "m1" });
        var again = await publisher.PublishAsync($"{name}.a", "3", new NatsJSPubOpts { MsgId = "m1" });

        Assert.Equal(1ul, (await first).Seq);
        var error = await Assert.ThrowsAsync<NatsJSApiException>(async () => await refused);
        Assert.Equal(NatsJSErrorCodes.WrongLastSequence, error.ErrorCode);
        Assert.False((await duplicate).Duplicate);
        Assert.True((await again).Duplicate);
        Assert.Equal((3L, 1L), (publisher.Acked, publisher.Failed));
    }

    [Fact]
    public async Task A_subject_no_stream_stores_fails_with_no_responders()
    {
        var (connection, js) = await JS.ConnectAsync(Url);
        await using var _ = connection;
        await using var publisher = js.CreatePublisher();
        var future = await publisher.PublishAsync("nobody.stores.this", "x");
        var error = await Assert.ThrowsAsync<NatsNoRespondersException>(async () => await future);
        Assert.Equal("nobody.stores.this", error.Subject);
    }

    [Fact]
    public async Task A_missing_ack_times_out_and_frees_its_slot_in_the_window()
    {
        var (connection, js) = await JS.ConnectAsync(Url);
        await using var _ = connection;
        // A plain subscriber makes the server deliver the publish but nobody ever acks it.
        await using var silent = await connection.SubscribeCoreAsync<string>("silent.stream");
        await using var publisher = js.CreatePublisher(new NatsJSPublisherOpts { MaxInFlight = 2, AckTimeout = TimeSpan.FromMilliseconds(300) });

        var one = await publisher.PublishAsync("silent.stream", "1");
        var two = await publisher.PublishAsync("silent.stream", "2");
        // The window is full: the third publish waits until a timeout frees a slot.
        var third = publisher.PublishAsync("silent.stream", "3").AsTask();
        Assert.False(third.IsCompleted);

        var timeout = await Assert.ThrowsAsync<NatsRequestTimeoutException>(async () => await one);
        Assert.Equal(TimeSpan.FromMilliseconds(300), timeout.Timeout);
        await Assert.ThrowsAsync<NatsRequestTimeoutException>(async () => await two);
        var late = await third.WaitAsync(TestConnections.Wait);
        await Assert.ThrowsAsync<NatsRequestTimeoutException>(async () => await late);

        // A late reply on a timed-out slot's old subject completes nothing: the slot has a new subject.
        var pending = await silent.TakeAsync(3);
        var name = JS.Name("ALATE");
        await js.StreamAsync(name);
        var fresh = await publisher.PublishAsync($"{name}.x", "4");
        await connection.PublishAsync(pending[0].ReplyTo!, """{"stream":"FAKE","seq":42}""");
        await connection.PublishAsync(pending[1].ReplyTo!, """{"stream":"FAKE","seq":43}""");
        var ack = await fresh;
        Assert.Equal((name, 1ul), (ack.Stream, ack.Seq));
        await publisher.WaitAllAsync();
        Assert.Equal((1L, 3L, 0), (publisher.Acked, publisher.Failed, publisher.InFlight));
    }

    [Fact]
    public async Task Disposing_fails_the_publishes_still_in_flight()
    {
        var (connection, js) = await JS.ConnectAsync(Url);
        await using var _ = connection;
        await using var silent = await connection.SubscribeCoreAsync<string>("silent.dispose");
        var publisher = js.CreatePublisher(new NatsJSPublisherOpts { AckTimeout = TimeSpan.FromMinutes(5) });
        var future = await publisher.PublishAsync("silent.dispose", "1");
        await publisher.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await future);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => publisher.PublishAsync("silent.dispose", "2").AsTask());
    }
}
