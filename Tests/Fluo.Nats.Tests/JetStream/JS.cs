using Fluo.Nats.JetStream;
using Fluo.Nats.Tests.Core;

namespace Fluo.Nats.Tests.JetStream;

/// <summary>Helpers for JetStream tests: unique names, fast consume options, bounded waits.</summary>
internal static class JS
{
    public static string Name(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 10)].ToUpperInvariant();

    /// <summary>Short pulls and heartbeats, so dead pulls are noticed in about two seconds.</summary>
    public static NatsJSConsumeOpts FastConsume(int maxMsgs = 100) => new()
    {
        MaxMsgs = maxMsgs,
        Expires = TimeSpan.FromSeconds(4),
        IdleHeartbeat = TimeSpan.FromSeconds(1),
        ConsumerDeletedWait = TimeSpan.FromSeconds(20),
    };

    public static async Task<(NatsConnection Connection, INatsJSContext Js)> ConnectAsync(string url)
    {
        var connection = await TestConnections.ConnectAsync(url);
        return (connection, connection.CreateJetStreamContext());
    }

    public static async Task<StreamInfo> StreamAsync(this INatsJSContext js, string name, StreamRetention retention = StreamRetention.Limits, StreamStorage storage = StreamStorage.Memory) =>
        await js.CreateStreamAsync(new StreamConfig(name, [$"{name}.>"]) { Retention = retention, Storage = storage });

    /// <summary>Reads <paramref name="count"/> messages from an enumerator within the test timeout.</summary>
    public static async Task<List<NatsJSMsg<T>>> TakeAsync<T>(this IAsyncEnumerator<NatsJSMsg<T>> messages, int count, bool ack = true)
    {
        var list = new List<NatsJSMsg<T>>();
        while (list.Count < count)
        {
            var next = messages.MoveNextAsync().AsTask();
            if (await Task.WhenAny(next, Task.Delay(TestConnections.Wait * 2)) != next)
            {
                throw new TimeoutException($"Only {list.Count} of {count} messages arrived.");
            }

            Assert.True(await next, "the consume ended");
            if (ack)
            {
                await messages.Current.AckSyncAsync();
            }

            list.Add(messages.Current);
        }

        return list;
    }
}
