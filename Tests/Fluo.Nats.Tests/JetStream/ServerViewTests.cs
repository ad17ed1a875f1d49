using System.Text.Json;
using Fluo.Nats.JetStream;
using Fluo.Testing.Nats;

namespace Fluo.Nats.Tests.JetStream;

/// <summary>What Fluo.Nats published and consumed, as nats-server's own monitoring endpoint (<c>/jsz</c>) reports it.</summary>
public class ServerViewTests
{
    [Fact]
    public async Task The_servers_monitoring_view_counts_what_was_published_purged_and_acknowledged()
    {
        // A server of its own: /jsz totals are server-wide.
        await using var server = await NatsServer.StartAsync();
        var (connection, js) = await JS.ConnectAsync(server.Url);
        await using var _ = connection;
        var name = JS.Name("VIEW");
        var memory = JS.Name("VIEWM");
        await js.StreamAsync(name, storage: StreamStorage.File);
        await js.StreamAsync(memory);

        await js.PublishAsync($"{name}.a", 0, new NatsJSPubOpts { MsgId = "first" });
        Assert.True((await js.PublishAsync($"{name}.a", 0, new NatsJSPubOpts { MsgId = "first" })).Duplicate);
        for (var i = 1; i < 50; i++)
        {
            await js.PublishAsync(i < 30 ? $"{name}.a" : $"{name}.b", i);
        }

        for (var i = 0; i < 5; i++)
        {
            await js.PublishAsync($"{memory}.x", new string('m', 100));
        }

        // Purged before the consumer exists: 2.9.10 moves every consumer of the stream to its last sequence on a
        // subject-filtered purge (or a Nats-Rollup: sub), skipping what other subjects still hold (fixed in 2.9.15).
        Assert.Equal(20ul, await js.PurgeStreamAsync(name, new StreamPurgeRequest { Filter = $"{name}.b" }));
        var consumer = await js.CreateOrUpdateConsumerAsync(name, new ConsumerConfig("c"));
        var fetched = await consumer.FetchAsync<int>(new NatsJSFetchOpts { MaxMsgs = 10, Expires = TimeSpan.FromSeconds(5) }).ToListAsync();
        Assert.Equal(Enumerable.Range(0, 10), fetched.Select(m => m.Data));
        foreach (var msg in fetched.Take(7))
        {
            await msg.AckSyncAsync();
        }

        var stream = await js.GetStreamAsync(name);
        var consumerInfo = await js.GetConsumerInfoAsync(name, "c");
        var account = await js.GetAccountInfoAsync();
        using var jsz = JsonDocument.Parse(await server.GetMonitorAsync("jsz?accounts=true&streams=true&consumers=true"));
        var root = jsz.RootElement;
        var details = root.GetProperty("account_details")[0].GetProperty("stream_detail").EnumerateArray().ToList();
        var fileStream = details.Single(d => d.GetProperty("name").GetString() == name);
        var memoryStream = details.Single(d => d.GetProperty("name").GetString() == memory);

        // What was published: 50 stored (the duplicate was not), 20 purged by subject; sequences are not reused.
        Assert.Equal((30ul, 1ul, 50ul, 1ul, 1), (stream.State.Messages, stream.State.FirstSeq, stream.State.LastSeq, stream.State.NumSubjects, stream.State.ConsumerCount));
        var state = fileStream.GetProperty("state");
        Assert.Equal(stream.State.Messages, state.GetProperty("messages").GetUInt64());
        Assert.Equal(stream.State.Bytes, state.GetProperty("bytes").GetUInt64());
        Assert.Equal(stream.State.FirstSeq, state.GetProperty("first_seq").GetUInt64());
        Assert.Equal(stream.State.LastSeq, state.GetProperty("last_seq").GetUInt64());
        Assert.Equal(stream.State.NumSubjects, state.GetProperty("num_subjects").GetUInt64());
        Assert.Equal(stream.State.ConsumerCount, state.GetProperty("consumer_count").GetInt32());
        Assert.Equal(5ul, memoryStream.GetProperty("state").GetProperty("messages").GetUInt64());

        // What was consumed: 10 delivered, 7 acknowledged, 3 awaiting their ack, 20 not delivered yet.
        Assert.Equal((10ul, 10ul, 7ul, 3L, 20ul), (consumerInfo.Delivered.StreamSeq, consumerInfo.Delivered.ConsumerSeq, consumerInfo.AckFloor.StreamSeq, consumerInfo.NumAckPending, consumerInfo.NumPending));
        var view = Assert.Single(fileStream.GetProperty("consumer_detail").EnumerateArray());
        Assert.Equal("c", view.GetProperty("name").GetString());
        Assert.Equal(consumerInfo.Delivered.StreamSeq, view.GetProperty("delivered").GetProperty("stream_seq").GetUInt64());
        Assert.Equal(consumerInfo.Delivered.ConsumerSeq, view.GetProperty("delivered").GetProperty("consumer_seq").GetUInt64());
        Assert.Equal(consumerInfo.AckFloor.StreamSeq, view.GetProperty("ack_floor").GetProperty("stream_seq").GetUInt64());
        Assert.Equal(consumerInfo.NumAckPending, view.GetProperty("num_ack_pending").GetInt64());
        Assert.Equal(consumerInfo.NumPending, view.GetProperty("num_pending").GetUInt64());

        // The server-wide totals, and the account usage the API reports, split by storage type.
        Assert.Equal((2, 1, 35ul), (root.GetProperty("streams").GetInt32(), root.GetProperty("consumers").GetInt32(), root.GetProperty("messages").GetUInt64()));
        Assert.Equal((2L, 1L), (account.Streams, account.Consumers));
        // (2.9.10 keeps counting the bytes of filter-purged messages in the account's storage.)
        Assert.InRange(account.Storage, stream.State.Bytes, ulong.MaxValue);
        Assert.Equal(account.Storage, root.GetProperty("storage").GetUInt64());
        Assert.Equal(account.Memory, root.GetProperty("memory").GetUInt64());
        Assert.Equal(memoryStream.GetProperty("state").GetProperty("bytes").GetUInt64(), account.Memory);
    }
}
