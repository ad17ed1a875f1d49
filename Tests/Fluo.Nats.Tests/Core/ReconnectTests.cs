using Fluo.Testing.Nats;

namespace Fluo.Nats.Tests.Core;

/// <summary>Each test owns its server: they stop and restart it.</summary>
public class ReconnectTests
{
    [Fact]
    public async Task Server_restart_mid_stream_resumes_subscriptions_and_delivers_buffered_publishes()
    {
        await using var server = await NatsServer.StartAsync();
        // The same connection subscribes and publishes: on reconnect its SUBs are replayed ahead of the
        // publishes it buffered, so every accepted message must come back. A second connection shows that
        // subscriptions on other connections resume too.
        await using var connection = await TestConnections.ConnectAsync(server.Url);
        await using var other = await TestConnections.ConnectAsync(server.Url);
        await using var sub = await connection.SubscribeCoreAsync<int>("stream.items");
        await using var otherSub = await other.SubscribeCoreAsync<int>("stream.items");
        var reconnected = 0;
        connection.Reconnected += (_, _) => Interlocked.Increment(ref reconnected);

        for (var i = 0; i < 100; i++)
        {
            await connection.PublishAsync("stream.items", i);
        }

        Assert.Equal(Enumerable.Range(0, 100), (await sub.TakeAsync(100)).Select(m => m.Data));
        Assert.Equal(Enumerable.Range(0, 100), (await otherSub.TakeAsync(100)).Select(m => m.Data));

        await server.StopAsync(kill: true);
        await TestConnections.WaitForAsync(() => connection.ConnectionState == NatsConnectionState.Reconnecting, "the disconnect");
        for (var i = 100; i < 200; i++)
        {
            await connection.PublishAsync("stream.items", i);
        }

        await server.StartAgainAsync();
        Assert.Equal(Enumerable.Range(100, 100), (await sub.TakeAsync(100)).Select(m => m.Data));
        await TestConnections.WaitForAsync(() => Volatile.Read(ref reconnected) == 1, "the Reconnected event");

        await TestConnections.WaitForAsync(() => other.ConnectionState == NatsConnectionState.Open, "the other connection");
        await other.FlushAsync();
        // Whatever the other connection saw of the buffered burst depends on which reconnected first; new traffic must reach it.
        while (otherSub.Msgs.TryRead(out _))
        {
        }

        await connection.PublishAsync("stream.items", 999);
        Assert.Equal(999, (await sub.NextAsync()).Data);
        Assert.Equal(999, (await otherSub.NextAsync()).Data);
    }

    [Fact]
    public async Task Publishes_beyond_the_reconnect_buffer_fail_clearly_and_the_rest_arrive()
    {
        await using var server = await NatsServer.StartAsync();
        await using var publisher = await TestConnections.ConnectAsync(server.Url, o => o with { ReconnectBufferSize = 4096 });
        await server.StopAsync(kill: true);
        await TestConnections.WaitForAsync(() => publisher.ConnectionState == NatsConnectionState.Reconnecting, "the disconnect");

        var accepted = 0;
        NatsReconnectBufferFullException? full = null;
        for (var i = 0; i < 1000 && full is null; i++)
        {
            try
            {
                await publisher.PublishAsync("buffered", new byte[100]);
                accepted++;
            }
            catch (NatsReconnectBufferFullException ex)
            {
                full = ex;
            }
        }

        Assert.NotNull(full);
        Assert.Equal(4096, full.BufferSize);
        Assert.InRange(accepted, 20, 40);

        await server.StartAgainAsync();
        await using var subscriber = await TestConnections.ConnectAsync(server.Url);
        // The subscriber connects after the buffer may have been flushed, so count with a server-side view instead:
        // publish a marker and check the publisher is healthy and every accepted message left the client.
        await TestConnections.WaitForAsync(() => publisher.ConnectionState == NatsConnectionState.Open, "the reconnect");
        await publisher.FlushAsync();
        var varz = await server.GetMonitorAsync("varz");
        Assert.Contains($"\"in_msgs\": {accepted}", varz, StringComparison.Ordinal);
    }

    [Fact]
    public async Task First_connect_fails_clearly_or_retries_until_the_server_comes()
    {
        await using var server = await NatsServer.StartAsync();
        await server.StopAsync(kill: true);
        await using (var noRetry = new NatsConnection(TestConnections.Fast(server.Url)))
        {
            var error = await Assert.ThrowsAsync<NatsConnectionException>(() => noRetry.ConnectAsync().AsTask());
            Assert.Contains($"127.0.0.1:{server.Port}", error.Message, StringComparison.Ordinal);
            Assert.Equal(NatsConnectionState.Closed, noRetry.ConnectionState);
        }

        await using var retrying = new NatsConnection(TestConnections.Fast(server.Url) with { RetryOnInitialConnect = true });
        var connecting = retrying.ConnectAsync().AsTask();
        await Task.Delay(300);
        Assert.False(connecting.IsCompleted);
        await server.StartAgainAsync();
        await connecting.WaitAsync(TestConnections.Wait);
        Assert.Equal(NatsConnectionState.Open, retrying.ConnectionState);
    }

    [Fact]
    public async Task A_server_that_stops_answering_pings_is_detected_as_stale()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await TestConnections.ConnectAsync(server.Url, o => o with { PingInterval = TimeSpan.FromMilliseconds(200), MaxPingOut = 2 });
        var disconnected = new TaskCompletionSource<NatsEventArgs>();
        connection.ConnectionDisconnected += (_, e) => disconnected.TrySetResult(e);
        // SIGSTOP freezes the server: the socket stays open but nothing answers.
        Fluo.Testing.Processes.Posix.Signal(server.ProcessId, 19);
        try
        {
            var e = await disconnected.Task.WaitAsync(TestConnections.Wait);
            Assert.Contains("stale", e.Message, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            Fluo.Testing.Processes.Posix.Signal(server.ProcessId, 18);
        }

        await TestConnections.WaitForAsync(() => connection.ConnectionState == NatsConnectionState.Open, "the reconnect");
    }
}
