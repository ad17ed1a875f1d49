using Fluo.Nats.JetStream;
using Fluo.Testing.Nats;

namespace Fluo.Nats.Tests.JetStream;

public class ConsumeActivityTests
{
    [Fact]
    public async Task OnActivity_fires_for_idle_heartbeats_and_for_messages()
    {
        await using var server = await NatsServer.StartAsync();
        var (connection, js) = await JS.ConnectAsync(server.Url);
        await using var _ = connection;
        var name = JS.Name("ACT");
        await js.StreamAsync(name);
        var consumer = await js.CreateOrUpdateConsumerAsync(name, new ConsumerConfig("c"));
        var beats = 0;
        var opts = new NatsJSConsumeOpts { Expires = TimeSpan.FromSeconds(2), IdleHeartbeat = TimeSpan.FromMilliseconds(500), OnActivity = () => Interlocked.Increment(ref beats) };
        Assert.Equal(TimeSpan.FromMilliseconds(500), opts.EffectiveIdleHeartbeat);
        Assert.Equal(TimeSpan.FromSeconds(15), new NatsJSConsumeOpts().EffectiveIdleHeartbeat);

        using var cts = new CancellationTokenSource();
        await using var messages = consumer.ConsumeAsync<int>(opts, cancellationToken: cts.Token).GetAsyncEnumerator();
        var next = messages.MoveNextAsync().AsTask();
        await Task.Delay(1800);
        Assert.False(next.IsCompleted);
        var idle = Volatile.Read(ref beats);
        Assert.InRange(idle, 2, 6); // heartbeats every 500 ms, no messages

        await js.PublishAsync($"{name}.x", 42);
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(42, messages.Current.Data);
        Assert.True(Volatile.Read(ref beats) > idle);
        await cts.CancelAsync();
    }
}
