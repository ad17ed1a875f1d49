using Fluo.Nats;
using Fluo.Nats.JetStream;
using Fluo.ServiceDefaults.Health;
using Fluo.Testing.Nats;
using Fluo.Testing.Processes;

namespace Fluo.ServiceDefaults.Tests;

public class ConsumeLivenessWiringTests
{
    [Fact]
    public async Task A_consume_that_stops_hearing_from_the_server_is_stalled_until_it_resumes_and_is_unregistered_when_cancelled()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = new NatsConnection(new NatsOpts { Url = server.Url });
        await connection.ConnectAsync();
        var js = connection.CreateJetStreamContext();
        await js.CreateStreamAsync(new StreamConfig("LIVE", ["live.>"]) { Storage = StreamStorage.Memory });
        var consumer = await js.CreateOrUpdateConsumerAsync("LIVE", new ConsumerConfig("loop"));
        var liveness = new ConsumerLiveness(TimeProvider.System);
        var opts = new NatsJSConsumeOpts { Expires = TimeSpan.FromSeconds(2), IdleHeartbeat = TimeSpan.FromMilliseconds(500) };

        using var cts = new CancellationTokenSource();
        var received = 0;
        var loop = Task.Run(async () =>
        {
            await foreach (var msg in consumer.ConsumeWithLivenessAsync<int>(liveness, opts, cancellationToken: cts.Token))
            {
                Interlocked.Increment(ref received);
                await msg.AckAsync();
            }
        });

        await js.PublishAsync("live.a", 1);
        await WaitAsync(() => Volatile.Read(ref received) == 1, "the first message");
        await Task.Delay(2000);
        Assert.Empty(liveness.Stalled()); // idle, but heartbeats keep it alive

        Posix.Signal(server.ProcessId, 19);
        try
        {
            await WaitAsync(() => liveness.Stalled().Count == 1, "the stall");
            Assert.Equal("LIVE/loop", liveness.Stalled()[0].Consumer);
        }
        finally
        {
            Posix.Signal(server.ProcessId, 18);
        }

        await WaitAsync(() => liveness.Stalled().Count == 0, "the recovery", TimeSpan.FromSeconds(30));
        await js.PublishAsync("live.a", 2);
        await WaitAsync(() => Volatile.Read(ref received) == 2, "a message after the recovery");

        await cts.CancelAsync();
        await loop;
        await Task.Delay(2000); // longer than the 1.5 s window without any beat
        Assert.Empty(liveness.Stalled());
    }

    private static async Task WaitAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }
}
