using Fluo.Nats.JetStream;
using Fluo.Nats.KeyValue;
using Fluo.Nats.Tests.Core;
using Fluo.Nats.Tests.JetStream;
using Fluo.Testing.Nats;

namespace Fluo.Nats.Tests.KeyValue;

public class KVWatchTests(NatsServerFixture fixture) : IClassFixture<NatsServerFixture>
{
    private static string Bucket() => JS.Name("kvw").ToLowerInvariant();

    /// <summary>Reads a watch into a list from the background, counting end-of-initial-data markers.</summary>
    private sealed class Watcher : IAsyncDisposable
    {
        private readonly CancellationTokenSource _cts = new();
        private readonly Task _run;
        private readonly object _gate = new();
        private readonly List<NatsKVEntry<int>> _entries = [];
        private int _entriesAtMarker = -1;

        public Watcher(INatsKVStore store, string key = ">", NatsKVWatchOpts? opts = null)
        {
            opts = (opts ?? new NatsKVWatchOpts()) with
            {
                IdleHeartbeat = TimeSpan.FromSeconds(1),
                OnNoData = _ =>
                {
                    lock (_gate)
                    {
                        Assert.Equal(-1, _entriesAtMarker);
                        _entriesAtMarker = _entries.Count;
                    }

                    return ValueTask.FromResult(false);
                },
            };
            _run = Task.Run(async () =>
            {
                await foreach (var entry in store.WatchAsync<int>(key, opts, cancellationToken: _cts.Token))
                {
                    lock (_gate)
                    {
                        _entries.Add(entry);
                    }
                }
            });
        }

        public List<NatsKVEntry<int>> Entries
        {
            get
            {
                lock (_gate)
                {
                    return [.. _entries];
                }
            }
        }

        public int EntriesAtMarker
        {
            get
            {
                lock (_gate)
                {
                    return _entriesAtMarker;
                }
            }
        }

        public Task WaitForAsync(int count) => TestConnections.WaitForAsync(() => _run.IsFaulted || Entries.Count >= count, $"{count} watch entries (have {Entries.Count})");

        public Task WaitForMarkerAsync() => TestConnections.WaitForAsync(() => _run.IsFaulted || EntriesAtMarker >= 0, "the end of the initial data");

        public async ValueTask DisposeAsync()
        {
            await _cts.CancelAsync();
            await _run.WaitAsync(TestConnections.Wait);
            _cts.Dispose();
        }
    }

    [Fact]
    public async Task Watch_sends_the_initial_values_then_the_marker_then_every_update_in_order()
    {
        var (connection, js) = await JS.ConnectAsync(fixture.Server.Url);
        await using var _ = connection;
        var store = await new NatsKVContext(js).CreateStoreAsync(new NatsKVConfig(Bucket()) { History = 5, Storage = StreamStorage.Memory });
        await store.PutAsync("a", 1);
        await store.PutAsync("b", 2);
        await store.PutAsync("a", 3);
        await store.PutAsync("c", 4);
        await store.DeleteAsync("c");

        await using var watcher = new Watcher(store);
        await watcher.WaitForMarkerAsync();
        var initial = watcher.Entries;
        Assert.Equal(3, watcher.EntriesAtMarker);
        Assert.Equal(["b", "a", "c"], initial.Select(e => e.Key));
        Assert.Equal([2, 3, 0], initial.Select(e => e.Value));
        Assert.Equal(NatsKVOperation.Del, initial[2].Operation);
        Assert.Equal([2ul, 1ul, 0ul], initial.Select(e => e.Delta));

        for (var i = 0; i < 100; i++)
        {
            await store.PutAsync($"k{i % 7}", 100 + i);
        }

        await watcher.WaitForAsync(103);
        var updates = watcher.Entries.Skip(3).ToList();
        Assert.Equal(Enumerable.Range(100, 100), updates.Select(e => e.Value));
        Assert.Equal(updates.Select(e => e.Revision).Order(), updates.Select(e => e.Revision));
        Assert.All(updates.Zip(updates.Skip(1)), p => Assert.Equal(p.First.Revision + 1, p.Second.Revision));
        Assert.Equal(3, watcher.EntriesAtMarker);
    }

    [Fact]
    public async Task An_empty_watch_signals_the_end_of_initial_data_at_once_and_options_filter_entries()
    {
        var (connection, js) = await JS.ConnectAsync(fixture.Server.Url);
        await using var _ = connection;
        var store = await new NatsKVContext(js).CreateStoreAsync(new NatsKVConfig(Bucket()) { History = 5, Storage = StreamStorage.Memory });

        await using (var empty = new Watcher(store, "user.*"))
        {
            await empty.WaitForMarkerAsync();
            Assert.Equal(0, empty.EntriesAtMarker);
            await store.PutAsync("other", 1);
            await store.PutAsync("user.1", 2);
            await store.DeleteAsync("user.1");
            await empty.WaitForAsync(2);
            Assert.Equal([("user.1", NatsKVOperation.Put), ("user.1", NatsKVOperation.Del)], empty.Entries.Select(e => (e.Key, e.Operation)));
        }

        await using var history = new Watcher(store, "user.1", new NatsKVWatchOpts { IncludeHistory = true, IgnoreDeletes = true });
        await history.WaitForMarkerAsync();
        Assert.Equal([2], history.Entries.Select(e => e.Value));

        await using var updatesOnly = new Watcher(store, ">", new NatsKVWatchOpts { UpdatesOnly = true, MetaOnly = true });
        await updatesOnly.WaitForMarkerAsync();
        await store.PutAsync("late", 9);
        await updatesOnly.WaitForAsync(1);
        var late = Assert.Single(updatesOnly.Entries);
        Assert.Equal("late", late.Key);
        Assert.Equal(0, late.Value);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Watch_continues_across_a_server_restart_without_missing_or_repeating_updates(bool kill)
    {
        await using var server = await NatsServer.StartAsync();
        var (connection, js) = await JS.ConnectAsync(server.Url);
        await using var _ = connection;
        var store = await new NatsKVContext(js).CreateStoreAsync(new NatsKVConfig(Bucket()) { History = 10 });
        await store.PutAsync("seed", 0);

        await using var watcher = new Watcher(store);
        await watcher.WaitForMarkerAsync();
        for (var i = 1; i <= 50; i++)
        {
            await store.PutAsync($"k{i % 5}", i);
        }

        await watcher.WaitForAsync(51);
        await server.RestartAsync(kill);
        await connection.PingAsync();
        for (var i = 51; i <= 100; i++)
        {
            await store.PutAsync($"k{i % 5}", i);
        }

        await watcher.WaitForAsync(101);
        await Task.Delay(500);
        var values = watcher.Entries.Select(e => e.Value).ToList();
        Assert.Equal(Enumerable.Range(0, 101), values);
    }
}
