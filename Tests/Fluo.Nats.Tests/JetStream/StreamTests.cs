using Fluo.Nats.JetStream;
using Fluo.Testing.Nats;

namespace Fluo.Nats.Tests.JetStream;

public class StreamTests(NatsServerFixture fixture) : IClassFixture<NatsServerFixture>
{
    private string Url => fixture.Server.Url;

    [Fact]
    public async Task Streams_are_created_read_updated_listed_and_deleted()
    {
        var (connection, js) = await JS.ConnectAsync(Url);
        await using var _ = connection;
        var name = JS.Name("CRUD");
        var created = await js.CreateStreamAsync(new StreamConfig(name, [$"{name}.*"]) { MaxAge = TimeSpan.FromHours(1), DuplicateWindow = TimeSpan.FromSeconds(30) });
        Assert.Equal(name, created.Config.Name);
        Assert.Equal(TimeSpan.FromHours(1), created.Config.MaxAge);
        Assert.Equal(TimeSpan.FromSeconds(30), created.Config.DuplicateWindow);
        Assert.Equal(StreamStorage.File, created.Config.Storage);
        Assert.Equal(-1, created.Config.MaxMsgs);

        // Creating the identical stream again is fine; a different one is "name in use".
        await js.CreateStreamAsync(new StreamConfig(name, [$"{name}.*"]) { MaxAge = TimeSpan.FromHours(1), DuplicateWindow = TimeSpan.FromSeconds(30) });
        var inUse = await Assert.ThrowsAsync<NatsJSApiException>(() => js.CreateStreamAsync(new StreamConfig(name, [$"{name}.other"])).AsTask());
        Assert.Equal(NatsJSErrorCodes.StreamNameInUse, inUse.ErrorCode);

        var updated = await js.UpdateStreamAsync(created.Config with { MaxMsgs = 10, Description = "ten" });
        Assert.Equal(10, updated.Config.MaxMsgs);
        var storageChange = await Assert.ThrowsAsync<NatsJSApiException>(() => js.UpdateStreamAsync(updated.Config with { Storage = StreamStorage.Memory }).AsTask());
        Assert.Equal(NatsJSErrorCodes.InvalidStreamConfig, storageChange.ErrorCode);

        var upserted = await js.CreateOrUpdateStreamAsync(updated.Config with { MaxMsgs = 20 });
        Assert.Equal(20, upserted.Config.MaxMsgs);
        var other = JS.Name("UPS");
        Assert.Equal(other, (await js.CreateOrUpdateStreamAsync(new StreamConfig(other) { Storage = StreamStorage.Memory })).Config.Name);

        var names = await js.ListStreamNamesAsync().ToListAsync();
        Assert.Contains(name, names);
        Assert.Contains(other, names);
        Assert.Equal([name], await js.ListStreamNamesAsync($"{name}.x").ToListAsync());
        Assert.Contains(await js.ListStreamsAsync().ToListAsync(), s => s.Config.Name == name && s.Config.Description == "ten");

        Assert.True(await js.DeleteStreamAsync(name));
        Assert.True(await js.DeleteStreamAsync(other));
        var gone = await Assert.ThrowsAsync<NatsJSApiException>(() => js.GetStreamAsync(name).AsTask());
        Assert.Equal(404, gone.Code);
        Assert.Equal(NatsJSErrorCodes.StreamNotFound, gone.ErrorCode);
        Assert.Equal(NatsJSErrorCodes.StreamNotFound, (await Assert.ThrowsAsync<NatsJSApiException>(() => js.DeleteStreamAsync(name).AsTask())).ErrorCode);
        Assert.Equal(NatsJSErrorCodes.StreamNotFound, (await Assert.ThrowsAsync<NatsJSApiException>(() => js.UpdateStreamAsync(created.Config).AsTask())).ErrorCode);
    }

    [Fact]
    public async Task Names_and_lists_page_past_the_servers_page_size()
    {
        var (connection, js) = await JS.ConnectAsync(Url);
        await using var _ = connection;
        var prefix = JS.Name("PAGE");
        for (var i = 0; i < 300; i++)
        {
            await js.CreateStreamAsync(new StreamConfig($"{prefix}_{i}", [$"{prefix}.{i}"]) { Storage = StreamStorage.Memory });
        }

        // STREAM.LIST pages hold 256 streams, so 300 need two pages.
        Assert.Equal(300, (await js.ListStreamsAsync().ToListAsync()).Count(s => s.Config.Name.StartsWith(prefix, StringComparison.Ordinal)));
        Assert.Equal(300, (await js.ListStreamNamesAsync().ToListAsync()).Count(s => s.StartsWith(prefix, StringComparison.Ordinal)));
        for (var i = 0; i < 300; i++)
        {
            await js.DeleteStreamAsync($"{prefix}_{i}");
        }
    }

    [Fact]
    public async Task Purge_with_a_filter_and_get_message_by_sequence_and_last_by_subject()
    {
        var (connection, js) = await JS.ConnectAsync(Url);
        await using var _ = connection;
        var name = JS.Name("PRG");
        await js.StreamAsync(name);
        var headers = new NatsHeaders { ["K"] = "v" };
        await js.PublishAsync($"{name}.a", "a1", headers: headers);
        await js.PublishAsync($"{name}.b", "b1");
        await js.PublishAsync($"{name}.a", "a2");

        var first = await js.GetMsgAsync(name, new StreamMsgGetRequest { Seq = 1 });
        Assert.Equal($"{name}.a", first.Subject);
        Assert.Equal("a1", System.Text.Encoding.UTF8.GetString(first.Data.Span));
        Assert.Equal("v", first.Headers?.GetLastValue("K"));
        Assert.True(first.Time > DateTimeOffset.UtcNow.AddMinutes(-5));
        var lastA = await js.GetMsgAsync(name, new StreamMsgGetRequest { LastBySubj = $"{name}.a" });
        Assert.Equal(3ul, lastA.Seq);
        var missing = await Assert.ThrowsAsync<NatsJSApiException>(() => js.GetMsgAsync(name, new StreamMsgGetRequest { Seq = 99 }).AsTask());
        Assert.Equal(NatsJSErrorCodes.NoMessageFound, missing.ErrorCode);

        Assert.Equal(2ul, await js.PurgeStreamAsync(name, new StreamPurgeRequest { Filter = $"{name}.a" }));
        var state = (await js.GetStreamAsync(name)).State;
        Assert.Equal(1ul, state.Messages);
        Assert.Equal(1ul, await js.PurgeStreamAsync(name));
        Assert.Equal(0ul, (await js.GetStreamAsync(name)).State.Messages);

        var account = await js.GetAccountInfoAsync();
        Assert.True(account.Streams >= 1);
        Assert.True(account.Api.Total > 0);
    }

    [Fact]
    public async Task Consumers_are_created_updated_listed_and_deleted()
    {
        var (connection, js) = await JS.ConnectAsync(Url);
        await using var _ = connection;
        var name = JS.Name("CON");
        await js.StreamAsync(name);
        var durable = await js.CreateOrUpdateConsumerAsync(name, new ConsumerConfig("worker") { AckWait = TimeSpan.FromSeconds(7), FilterSubject = $"{name}.jobs" });
        Assert.Equal("worker", durable.Name);
        Assert.Equal(TimeSpan.FromSeconds(7), durable.Info.Config.AckWait);
        Assert.Equal($"{name}.jobs", durable.Info.Config.FilterSubject);
        Assert.Equal(ConsumerAckPolicy.Explicit, durable.Info.Config.AckPolicy);

        // 2.9 has no create-only action: creating again updates.
        var updated = await js.CreateOrUpdateConsumerAsync(name, new ConsumerConfig("worker") { AckWait = TimeSpan.FromSeconds(9), FilterSubject = $"{name}.jobs" });
        Assert.Equal(TimeSpan.FromSeconds(9), updated.Info.Config.AckWait);

        var wildcard = await js.CreateOrUpdateConsumerAsync(name, new ConsumerConfig("all") { FilterSubject = $"{name}.>" });
        Assert.Equal($"{name}.>", wildcard.Info.Config.FilterSubject);
        var ephemeral = await js.CreateOrUpdateConsumerAsync(name, new ConsumerConfig());
        Assert.False(string.IsNullOrEmpty(ephemeral.Name));
        Assert.Null(ephemeral.Info.Config.DurableName);
        var namedEphemeral = await js.CreateOrUpdateConsumerAsync(name, new ConsumerConfig { Name = "eph", InactiveThreshold = TimeSpan.FromMinutes(1) });
        Assert.Equal("eph", namedEphemeral.Name);

        var names = await js.ListConsumerNamesAsync(name).ToListAsync();
        Assert.Equal(new[] { "all", "eph", ephemeral.Name, "worker" }.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        Assert.Equal(4, (await js.ListConsumersAsync(name).ToListAsync()).Count);
        Assert.Equal("worker", (await js.GetConsumerAsync(name, "worker")).Info.Name);

        Assert.True(await js.DeleteConsumerAsync(name, "worker"));
        var gone = await Assert.ThrowsAsync<NatsJSApiException>(() => js.GetConsumerAsync(name, "worker").AsTask());
        Assert.Equal(NatsJSErrorCodes.ConsumerNotFound, gone.ErrorCode);
        var noStream = await Assert.ThrowsAsync<NatsJSApiException>(() => js.CreateOrUpdateConsumerAsync("NOPE" + name, new ConsumerConfig("x")).AsTask());
        Assert.Equal(NatsJSErrorCodes.StreamNotFound, noStream.ErrorCode);
    }
}
