using System.Diagnostics;
using Fluo.Nats.JetStream;
using Fluo.Nats.Tests.Core;
using Fluo.Testing.Nats;

namespace Fluo.Nats.Tests.JetStream;

public class PullConsumerTests(NatsServerFixture fixture) : IClassFixture<NatsServerFixture>
{
    private string Url => fixture.Server.Url;

    private static async Task PublishAsync(INatsJSContext js, string subject, int count, int from = 0)
    {
        for (var i = from; i < from + count; i++)
        {
            await js.PublishAsync(subject, $"m{i}");
        }
    }

    [Fact]
    public async Task Fetch_and_next_return_messages_with_their_metadata()
    {
        var (connection, js) = await JS.ConnectAsync(Url);
        await using var _ = connection;
        var name = JS.Name("FETCH");
        await js.StreamAsync(name);
        await PublishAsync(js, $"{name}.x", 5);
        var consumer = await js.CreateOrUpdateConsumerAsync(name, new ConsumerConfig("c"));

        var batch = await consumer.FetchAsync<string>(new NatsJSFetchOpts { MaxMsgs = 3, Expires = TimeSpan.FromSeconds(5) }).ToListAsync();
        Assert.Equal(["m0", "m1", "m2"], batch.Select(m => m.Data));
        var meta = batch[2].Metadata!;
        Assert.Equal(name, meta.Stream);
        Assert.Equal("c", meta.Consumer);
        Assert.Equal(3ul, meta.StreamSequence);
        Assert.Equal(3ul, meta.ConsumerSequence);
        Assert.Equal(1ul, meta.NumDelivered);
        Assert.Equal(2ul, meta.NumPending);
        foreach (var msg in batch)
        {
            await msg.AckAsync();
        }

        var next = await consumer.NextAsync<string>();
        Assert.Equal("m3", next?.Data);
        await next!.Value.AckSyncAsync();

        // A larger batch than what is left ends when the pull expires (408), with what there was.
        var rest = await consumer.FetchAsync<string>(new NatsJSFetchOpts { MaxMsgs = 10, Expires = TimeSpan.FromSeconds(1) }).ToListAsync();
        Assert.Equal(["m4"], rest.Select(m => m.Data));
        await rest[0].AckSyncAsync();
        Assert.Null(await consumer.NextAsync<string>(TimeSpan.FromSeconds(1)));
        await consumer.RefreshAsync();
        Assert.Equal(0, consumer.Info.NumAckPending);
        Assert.Equal(5ul, consumer.Info.AckFloor.StreamSeq);
    }

    [Fact]
    public async Task A_fetch_whose_max_bytes_is_too_small_ends_at_once()
    {
        var (connection, js) = await JS.ConnectAsync(Url);
        await using var _ = connection;
        var name = JS.Name("BYTES");
        await js.StreamAsync(name);
        await js.PublishAsync($"{name}.x", new string('x', 1000));
        var consumer = await js.CreateOrUpdateConsumerAsync(name, new ConsumerConfig("c"));

        // 409 Message Size Exceeds MaxBytes ends the pull; it is not an error and does not wait for the expiry.
        var clock = Stopwatch.StartNew();
        Assert.Empty(await consumer.FetchAsync<string>(new NatsJSFetchOpts { MaxMsgs = 5, MaxBytes = 100, Expires = TimeSpan.FromSeconds(30) }).ToListAsync());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(25), "the fetch waited for the expiry");
        var fits = await consumer.FetchAsync<string>(new NatsJSFetchOpts { MaxMsgs = 5, MaxBytes = 4096, Expires = TimeSpan.FromSeconds(1) }).ToListAsync();
        Assert.Single(fits);
    }

    [Fact]
    public async Task A_work_queue_gives_each_message_to_exactly_one_of_the_consumers_replicas()
    {
        var (c1, js1) = await JS.ConnectAsync(Url);
        var (c2, js2) = await JS.ConnectAsync(Url);
        await using var _ = c1;
        await using var __ = c2;
        var name = JS.Name("WQ");
        await js1.StreamAsync(name, StreamRetention.WorkQueue);
        await js1.CreateOrUpdateConsumerAsync(name, new ConsumerConfig("workers"));
        var overlap = await Assert.ThrowsAsync<NatsJSApiException>(() => js1.CreateOrUpdateConsumerAsync(name, new ConsumerConfig("others")).AsTask());
        Assert.Equal(400, overlap.Code);

        using var cts = new CancellationTokenSource();
        var seen = new System.Collections.Concurrent.ConcurrentBag<(int Replica, string Data)>();
        async Task Replica(int id, INatsJSContext js)
        {
            var consumer = await js.GetConsumerAsync(name, "workers");
            await foreach (var msg in consumer.ConsumeAsync<string>(JS.FastConsume(10), cancellationToken: cts.Token))
            {
                seen.Add((id, msg.Data!));
                await msg.AckSyncAsync();
            }
        }

        var replicas = new[] { Replica(1, js1), Replica(2, js2) };
        await PublishAsync(js1, $"{name}.job", 200);
        await TestConnections.WaitForAsync(() => seen.Count >= 200, "200 messages across both replicas");
        await TestConnections.WaitForAsync(() => js1.GetStreamAsync(name).AsTask().Result.State.Messages == 0, "the work queue to drain");
        await cts.CancelAsync();
        await Task.WhenAll(replicas);

        Assert.Equal(200, seen.Count);
        Assert.Equal(200, seen.Select(s => s.Data).Distinct().Count());
    }

    [Fact]
    public async Task An_unacknowledged_message_is_redelivered_after_ack_wait()
    {
        var (connection, js) = await JS.ConnectAsync(Url);
        await using var _ = connection;
        var name = JS.Name("REDEL");
        await js.StreamAsync(name);
        await js.PublishAsync($"{name}.x", "again");
        var consumer = await js.CreateOrUpdateConsumerAsync(name, new ConsumerConfig("c") { AckWait = TimeSpan.FromSeconds(1) });

        var first = await consumer.NextAsync<string>(TimeSpan.FromSeconds(10));
        Assert.Equal(1ul, first!.Value.Metadata!.NumDelivered);
        var second = await consumer.NextAsync<string>(TimeSpan.FromSeconds(15));
        Assert.Equal("again", second?.Data);
        Assert.Equal(2ul, second!.Value.Metadata!.NumDelivered);
        Assert.Equal(1ul, second.Value.Metadata.StreamSequence);
        await second.Value.AckSyncAsync();
        Assert.Null(await consumer.NextAsync<string>(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Nak_with_a_delay_is_not_redelivered_before_the_delay()
    {
        var (connection, js) = await JS.ConnectAsync(Url);
        await using var _ = connection;
        var name = JS.Name("NAK");
        await js.StreamAsync(name);
        await js.PublishAsync($"{name}.x", "later");
        await js.PublishAsync($"{name}.x", "now");
        var consumer = await js.CreateOrUpdateConsumerAsync(name, new ConsumerConfig("c") { AckWait = TimeSpan.FromSeconds(30) });

        var delayed = (await consumer.NextAsync<string>(TimeSpan.FromSeconds(10)))!.Value;
        var clock = Stopwatch.StartNew();
        await delayed.NakAsync(TimeSpan.FromSeconds(2));
        var immediate = (await consumer.NextAsync<string>(TimeSpan.FromSeconds(10)))!.Value;
        Assert.Equal("now", immediate.Data);
        await immediate.NakAsync();
        var redelivered = (await consumer.NextAsync<string>(TimeSpan.FromSeconds(10)))!.Value;
        Assert.Equal("now", redelivered.Data);
        Assert.Equal(2ul, redelivered.Metadata!.NumDelivered);
        await redelivered.AckSyncAsync();

        var back = (await consumer.NextAsync<string>(TimeSpan.FromSeconds(15)))!.Value;
        Assert.Equal("later", back.Data);
        Assert.Equal(2ul, back.Metadata!.NumDelivered);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"redelivered after {clock.Elapsed}, before the 2 s delay");
        await back.AckSyncAsync();
    }

    [Fact]
    public async Task Terminated_messages_are_not_redelivered_and_progress_extends_ack_wait()
    {
        var (connection, js) = await JS.ConnectAsync(Url);
        await using var _ = connection;
        var name = JS.Name("TERM");
        await js.StreamAsync(name);
        await js.PublishAsync($"{name}.x", "poison");
        await js.PublishAsync($"{name}.x", "slow");
        var consumer = await js.CreateOrUpdateConsumerAsync(name, new ConsumerConfig("c") { AckWait = TimeSpan.FromSeconds(2) });

        var poison = (await consumer.NextAsync<string>(TimeSpan.FromSeconds(10)))!.Value;
        await poison.AckTerminateAsync();
        var slow = (await consumer.NextAsync<string>(TimeSpan.FromSeconds(10)))!.Value;
        Assert.Equal("slow", slow.Data);
        for (var i = 0; i < 4; i++)
        {
            await Task.Delay(500);
            await slow.AckProgressAsync();
        }

        await slow.AckSyncAsync();
        Assert.Null(await consumer.NextAsync<string>(TimeSpan.FromSeconds(4)));
        await consumer.RefreshAsync();
        Assert.Equal(0, consumer.Info.NumRedelivered);
        Assert.Equal(2ul, consumer.Info.AckFloor.StreamSeq);
    }

    [Fact]
    public async Task Reaching_max_deliver_raises_the_advisory_and_the_message_stays_in_the_stream()
    {
        var (connection, js) = await JS.ConnectAsync(Url);
        await using var _ = connection;
        var name = JS.Name("MAXD");
        await js.StreamAsync(name, StreamRetention.WorkQueue);
        var consumer = await js.CreateOrUpdateConsumerAsync(name, new ConsumerConfig("c") { MaxDeliver = 2, AckWait = TimeSpan.FromSeconds(1) });
        await using var advisories = await connection.SubscribeCoreAsync<byte[]>($"$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.{name}.c");
        await js.PublishAsync($"{name}.x", "fails");

        using var cts = new CancellationTokenSource();
        var deliveries = 0;
        var consume = Task.Run(async () =>
        {
            await foreach (var msg in consumer.ConsumeAsync<string>(JS.FastConsume(), cancellationToken: cts.Token))
            {
                Interlocked.Increment(ref deliveries);
                await msg.NakAsync();
            }
        });

        var advisory = MaxDeliveriesAdvisory.Parse((await advisories.NextAsync()).Data);
        await cts.CancelAsync();
        await consume;
        Assert.NotNull(advisory);
        Assert.Equal("io.nats.jetstream.advisory.v1.max_deliver", advisory.Type);
        Assert.Equal(name, advisory.Stream);
        Assert.Equal("c", advisory.Consumer);
        Assert.Equal(1ul, advisory.StreamSeq);
        Assert.Equal(2, advisory.Deliveries);
        Assert.Equal(2, Volatile.Read(ref deliveries));
        Assert.Equal("fails", System.Text.Encoding.UTF8.GetString((await js.GetMsgAsync(name, new StreamMsgGetRequest { Seq = advisory.StreamSeq })).Data.Span));
    }
}
