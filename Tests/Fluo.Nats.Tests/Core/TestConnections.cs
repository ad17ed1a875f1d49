using System.Threading.Channels;

namespace Fluo.Nats.Tests.Core;

internal static class TestConnections
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    /// <summary>Options for fault tests: reconnect quickly.</summary>
    public static NatsOpts Fast(string url) => new()
    {
        Url = url,
        ReconnectWaitMin = TimeSpan.FromMilliseconds(50),
        ReconnectWaitMax = TimeSpan.FromMilliseconds(250),
        ReconnectJitter = TimeSpan.FromMilliseconds(20),
        ConnectTimeout = TimeSpan.FromSeconds(2),
    };

    public static async Task<NatsConnection> ConnectAsync(string url, Func<NatsOpts, NatsOpts>? configure = null)
    {
        var opts = Fast(url);
        var connection = new NatsConnection(configure?.Invoke(opts) ?? opts);
        await connection.ConnectAsync();
        return connection;
    }

    public static async Task<NatsMsg<T>> NextAsync<T>(this INatsSub<T> sub)
    {
        using var cts = new CancellationTokenSource(Wait);
        return await sub.Msgs.ReadAsync(cts.Token);
    }

    public static async Task<List<NatsMsg<T>>> TakeAsync<T>(this INatsSub<T> sub, int count)
    {
        var list = new List<NatsMsg<T>>();
        using var cts = new CancellationTokenSource(Wait);
        while (list.Count < count)
        {
            list.Add(await sub.Msgs.ReadAsync(cts.Token));
        }

        return list;
    }

    public static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(20);
        }
    }

    public static bool TryReadAll<T>(this ChannelReader<T> reader, List<T> into)
    {
        var any = false;
        while (reader.TryRead(out var item))
        {
            into.Add(item);
            any = true;
        }

        return any;
    }
}
