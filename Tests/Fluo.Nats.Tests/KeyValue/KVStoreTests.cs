using Fluo.Nats.JetStream;
using Fluo.Nats.KeyValue;
using Fluo.Nats.Tests.JetStream;
using Fluo.Testing.Nats;

namespace Fluo.Nats.Tests.KeyValue;

public class KVStoreTests(NatsServerFixture fixture) : IClassFixture<NatsServerFixture>
{
    private async Task<(NatsConnection Connection, INatsJSContext Js, INatsKVContext Kv)> ConnectAsync()
    {
        var (connection, js) = await JS.ConnectAsync(fixture.Server.Url);
        return (connection, js, new NatsKVContext(js));
    }

    private static string Bucket() => JS.Name("kv").ToLowerInvariant();

    [Fact]
    public async Task Put_and_get_return_values_with_increasing_revisions()
    {
        var (connection, _, kv) = await ConnectAsync();
        await using var _ = connection;
        var store = await kv.CreateStoreAsync(new NatsKVConfig(Bucket()) { History = 5, Storage = StreamStorage.Memory });

        var r1 = await store.PutAsync("config.a", "one");
        var r2 = await store.PutAsync("config.b", "two");
        var r3 = await store.PutAsync("config.a", "three");
        Assert.True(r1 < r2 && r2 < r3);

        var latest = await store.GetEntryAsync<string>("config.a");
        Assert.Equal("three", latest.Value);
        Assert.Equal(r3, latest.Revision);
        Assert.Equal(NatsKVOperation.Put, latest.Operation);
        Assert.Equal(store.Bucket, latest.Bucket);
        Assert.Equal("config.a", latest.Key);
        Assert.InRange(latest.Created, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        Assert.Equal("one", (await store.GetEntryAsync<string>("config.a", r1)).Value);
        // A revision of another key is not this key's.
        await Assert.ThrowsAsync<NatsKVKeyNotFoundException>(async () => await store.GetEntryAsync<string>("config.a", r2));
        var missing = await Assert.ThrowsAsync<NatsKVKeyNotFoundException>(async () => await store.GetEntryAsync<string>("nope"));
        Assert.IsNotType<NatsKVKeyDeletedException>(missing);

        var status = await store.GetStatusAsync();
        Assert.Equal(3ul, status.Values);
        Assert.Equal(5, status.History);
    }

    [Fact]
    public async Task Create_succeeds_only_when_the_key_is_absent_or_deleted()
    {
        var (connection, _, kv) = await ConnectAsync();
        await using var _ = connection;
        var store = await kv.CreateStoreAsync(new NatsKVConfig(Bucket()) { History = 3 });

        var first = await store.CreateAsync("k", 1);
        await Assert.ThrowsAsync<NatsKVCreateException>(async () => await store.CreateAsync("k", 2));
        Assert.Equal(1, (await store.GetEntryAsync<int>("k")).Value);

        await store.DeleteAsync("k");
        var again = await store.CreateAsync("k", 3);
        Assert.True(again > first);
        Assert.Equal(3, (await store.GetEntryAsync<int>("k")).Value);

        await store.PurgeAsync("k");
        await store.CreateAsync("k", 4);
        Assert.Equal(4, (await store.GetEntryAsync<int>("k")).Value);
    }

    [Fact]
    public async Task Concurrent_updates_of_the_same_revision_have_exactly_one_winner()
    {
        var (connection, js, kv) = await ConnectAsync();
        await using var _ = connection;
        await using var other = await Core.TestConnections.ConnectAsync(fixture.Server.Url);
        var bucket = Bucket();
        var store = await kv.CreateStoreAsync(bucket);
        var store2 = await new NatsKVContext(other.CreateJetStreamContext()).GetStoreAsync(bucket);
        var revision = await store.PutAsync("counter", 0);

        for (var round = 0; round < 10; round++)
        {
            var a = Task.Run(async () => await store.UpdateAsync("counter", (round * 2) + 1, revision));
            var b = Task.Run(async () => await store2.UpdateAsync("counter", (round * 2) + 2, revision));
            var results = await Task.WhenAll(Attempt(a), Attempt(b));
            Assert.Single(results, r => r.Revision is not null);
            var loser = Assert.Single(results, r => r.Error is not null);
            var error = Assert.IsType<NatsKVWrongLastRevisionException>(loser.Error);
            Assert.Equal(revision, error.ExpectedRevision);
            revision = results.Single(r => r.Revision is not null).Revision!.Value;
            Assert.Equal(revision, (await store.GetEntryAsync<int>("counter")).Revision);
        }

        static async Task<(ulong? Revision, Exception? Error)> Attempt(Task<ulong> update)
        {
            try
            {
                return (await update, null);
            }
            catch (NatsKVException ex)
            {
                return (null, ex);
            }
        }
    }

    [Fact]
    public async Task Delete_keeps_history_purge_removes_it_and_both_read_as_deleted()
    {
        var (connection, _, kv) = await ConnectAsync();
        await using var _ = connection;
        var store = await kv.CreateStoreAsync(new NatsKVConfig(Bucket()) { History = 10 });
        await store.PutAsync("a", "1");
        var r2 = await store.PutAsync("a", "2");
        await store.PutAsync("b", "x");

        await Assert.ThrowsAsync<NatsKVWrongLastRevisionException>(async () => await store.DeleteAsync("a", r2 - 1));
        await store.DeleteAsync("a", r2);
        var deleted = await Assert.ThrowsAsync<NatsKVKeyDeletedException>(async () => await store.GetEntryAsync<string>("a"));
        Assert.Equal(NatsKVOperation.Del, deleted.Operation);
        Assert.Equal("2", (await store.GetEntryAsync<string>("a", r2)).Value);

        var history = await store.HistoryAsync<string>("a").ToListAsync();
        Assert.Equal([NatsKVOperation.Put, NatsKVOperation.Put, NatsKVOperation.Del], history.Select(e => e.Operation));
        Assert.Equal(["1", "2", null], history.Select(e => e.Value));
        Assert.Equal(0ul, history[^1].Delta);
        Assert.Empty(await store.HistoryAsync<string>("never").ToListAsync());

        await store.PutAsync("a", "3");
        await store.PurgeAsync("a");
        var purged = await Assert.ThrowsAsync<NatsKVKeyDeletedException>(async () => await store.GetEntryAsync<string>("a"));
        Assert.Equal(NatsKVOperation.Purge, purged.Operation);
        var afterPurge = await store.HistoryAsync<string>("a").ToListAsync();
        Assert.Equal(NatsKVOperation.Purge, Assert.Single(afterPurge).Operation);
        Assert.Equal("x", (await store.GetEntryAsync<string>("b")).Value);
    }

    [Fact]
    public async Task Keys_lists_keys_with_values_only()
    {
        var (connection, _, kv) = await ConnectAsync();
        await using var _ = connection;
        var store = await kv.CreateStoreAsync(new NatsKVConfig(Bucket()) { History = 3 });
        Assert.Empty(await store.GetKeysAsync().ToListAsync());

        foreach (var key in new[] { "user.1", "user.2", "user.3", "group.1" })
        {
            await store.PutAsync(key, key);
            await store.PutAsync(key, key + "!");
        }

        await store.DeleteAsync("user.2");
        await store.PurgeAsync("group.1");
        Assert.Equal(["user.1", "user.3"], (await store.GetKeysAsync().ToListAsync()).Order());
        Assert.Equal(["user.1", "user.3"], (await store.GetKeysAsync("user.*").ToListAsync()).Order());
    }

    [Fact]
    public async Task A_ttl_bucket_expires_entries()
    {
        var (connection, _, kv) = await ConnectAsync();
        await using var _ = connection;
        var store = await kv.CreateStoreAsync(new NatsKVConfig(Bucket()) { MaxAge = TimeSpan.FromSeconds(1), Storage = StreamStorage.Memory });
        Assert.Equal(TimeSpan.FromSeconds(1), (await store.GetStatusAsync()).MaxAge);
        await store.PutAsync("session", "s1");
        Assert.Equal("s1", (await store.GetEntryAsync<string>("session")).Value);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                await store.GetEntryAsync<string>("session");
            }
            catch (NatsKVKeyNotFoundException)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "the entry did not expire");
            await Task.Delay(200);
        }

        Assert.Equal(0ul, (await store.GetStatusAsync()).Values);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".a")]
    [InlineData("a.")]
    [InlineData("a..b")]
    [InlineData("a b")]
    [InlineData("a*")]
    [InlineData("a.>")]
    [InlineData("ü")]
    public async Task Invalid_keys_are_refused_before_anything_is_sent(string key)
    {
        var (connection, _, kv) = await ConnectAsync();
        await using var _ = connection;
        var store = await kv.CreateStoreAsync(Bucket());
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.PutAsync(key, "v"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.GetEntryAsync<string>(key));
        Assert.Equal(0ul, (await store.GetStatusAsync()).Values);
    }

    [Fact]
    public async Task Valid_keys_use_every_allowed_character_and_bucket_names_are_checked()
    {
        var (connection, _, kv) = await ConnectAsync();
        await using var _ = connection;
        var store = await kv.CreateStoreAsync(Bucket());
        await store.PutAsync("Az09-/_=.x", "ok");
        Assert.Equal("ok", (await store.GetEntryAsync<string>("Az09-/_=.x")).Value);
        await Assert.ThrowsAsync<ArgumentException>(async () => await kv.CreateStoreAsync("bad.name"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await kv.CreateStoreAsync(new NatsKVConfig(Bucket()) { History = 65 }));
    }

    [Fact]
    public async Task A_bucket_is_a_normal_stream_by_the_kv_conventions_and_reads_values_other_clients_wrote()
    {
        var (connection, js, kv) = await ConnectAsync();
        await using var _ = connection;
        var bucket = Bucket();
        await kv.CreateStoreAsync(new NatsKVConfig(bucket) { Description = "settings", History = 4, MaxAge = TimeSpan.FromHours(1), MaxValueSize = 1024, MaxBytes = 1 << 20 });

        var config = (await js.GetStreamAsync($"KV_{bucket}")).Config;
        Assert.Equal([$"$KV.{bucket}.>"], config.Subjects);
        Assert.Equal("settings", config.Description);
        Assert.Equal(4, config.MaxMsgsPerSubject);
        Assert.Equal(TimeSpan.FromHours(1), config.MaxAge);
        Assert.Equal(1024, config.MaxMsgSize);
        Assert.Equal(1 << 20, config.MaxBytes);
        Assert.Equal(StreamDiscard.New, config.Discard);
        Assert.True(config.DenyDelete);
        Assert.True(config.AllowRollupHdrs);
        Assert.True(config.AllowDirect);
        Assert.Equal(TimeSpan.FromMinutes(2), config.DuplicateWindow);
        Assert.Equal(StreamStorage.File, config.Storage);

        // Written the way nats.go / the nats CLI write: a plain JetStream publish, and a delete marker.
        await js.PublishAsync($"$KV.{bucket}.from.cli", "hello");
        await js.PublishAsync($"$KV.{bucket}.gone", "x");
        await js.PublishAsync($"$KV.{bucket}.gone", ReadOnlyMemory<byte>.Empty, headers: new NatsHeaders { ["KV-Operation"] = "DEL" });
        var store = await kv.GetStoreAsync(bucket);
        Assert.Equal("hello", (await store.GetEntryAsync<string>("from.cli")).Value);
        await Assert.ThrowsAsync<NatsKVKeyDeletedException>(async () => await store.GetEntryAsync<string>("gone"));

        // And what we write is an ordinary stream message on the key's subject.
        var revision = await store.PutAsync("ours", "v");
        var raw = await js.GetMsgAsync($"KV_{bucket}", new StreamMsgGetRequest { LastBySubj = $"$KV.{bucket}.ours" });
        Assert.Equal(revision, raw.Seq);
        Assert.Equal("v"u8.ToArray(), raw.Data.ToArray());

        Assert.Contains(bucket, await kv.GetBucketNamesAsync().ToListAsync());
        var updated = await kv.UpdateStoreAsync(new NatsKVConfig(bucket) { History = 8, MaxAge = TimeSpan.FromHours(1) });
        Assert.Equal(8, (await updated.GetStatusAsync()).History);
        Assert.True(await kv.DeleteStoreAsync(bucket));
        var gone = await Assert.ThrowsAsync<NatsJSApiException>(async () => await kv.GetStoreAsync(bucket));
        Assert.Equal(NatsJSErrorCodes.StreamNotFound, gone.ErrorCode);
    }

    [Fact]
    public async Task Reads_fall_back_to_msg_get_when_the_stream_has_no_direct_get()
    {
        var (connection, js, kv) = await ConnectAsync();
        await using var _ = connection;
        var bucket = Bucket();
        var config = NatsKVContext.ToStreamConfig(new NatsKVConfig(bucket) { History = 2 }) with { AllowDirect = false };
        await js.CreateStreamAsync(config);
        var store = await kv.GetStoreAsync(bucket);
        var r1 = await store.PutAsync("k", "a");
        await store.PutAsync("k", "b");
        Assert.Equal("b", (await store.GetEntryAsync<string>("k")).Value);
        Assert.Equal("a", (await store.GetEntryAsync<string>("k", r1)).Value);
        await store.DeleteAsync("k");
        await Assert.ThrowsAsync<NatsKVKeyDeletedException>(async () => await store.GetEntryAsync<string>("k"));
        await Assert.ThrowsAsync<NatsKVKeyNotFoundException>(async () => await store.GetEntryAsync<string>("other"));
    }
}
