using System.Net.Sockets;
using Fluo.Testing.Nats;
using Fluo.Testing.Processes;
using MissingServerBinaryException = Fluo.Processes.MissingServerBinaryException;

namespace Fluo.Testing.Tests;

public class NatsServerTests
{
    [Fact]
    public async Task Starts_with_jetstream_and_accepts_a_client()
    {
        await using var server = await NatsServer.StartAsync();

        Assert.Equal("PONG", await RawNatsClient.HandshakeAsync(server.Port));
        Assert.Contains("\"store_dir\"", await server.GetMonitorAsync("jsz?config=true"));
        Assert.True(Directory.Exists(server.StoreDirectory));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Restarts_on_the_same_port_and_store(bool kill)
    {
        await using var server = await NatsServer.StartAsync();
        var (port, firstPid) = (server.Port, server.ProcessId);

        await server.RestartAsync(kill);

        Assert.Equal(port, server.Port);
        Assert.NotEqual(firstPid, server.ProcessId);
        Assert.False(Posix.IsAlive(firstPid));
        Assert.Equal("PONG", await RawNatsClient.HandshakeAsync(server.Port));
    }

    [Fact]
    public async Task Stopped_server_refuses_connections_until_started_again()
    {
        await using var server = await NatsServer.StartAsync();
        await server.StopAsync();

        Assert.False(server.IsRunning);
        await Assert.ThrowsAnyAsync<SocketException>(() => RawNatsClient.HandshakeAsync(server.Port));

        await server.StartAgainAsync();
        Assert.Equal("PONG", await RawNatsClient.HandshakeAsync(server.Port));
    }

    [Fact]
    public async Task Requires_the_configured_user_and_password()
    {
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { User = "fluo", Password = "s3cret" });

        Assert.Equal("PONG", await RawNatsClient.HandshakeAsync(server.Port, """{"verbose":false,"user":"fluo","pass":"s3cret"}"""));
        Assert.Contains("Authorization Violation", await RawNatsClient.HandshakeAsync(server.Port, """{"verbose":false,"user":"fluo","pass":"wrong"}"""));
        Assert.Equal($"nats://fluo:s3cret@127.0.0.1:{server.Port}", server.UrlWithCredentials);
    }

    [Fact]
    public async Task Opens_a_websocket_port_when_asked()
    {
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { WebSocket = true });

        Assert.NotNull(server.WebSocketPort);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", server.WebSocketPort.Value);
        Assert.Contains("\"websocket\"", await server.GetMonitorAsync("varz"));
    }

    [Fact]
    public async Task Leaves_no_process_or_directory_after_dispose()
    {
        var server = await NatsServer.StartAsync();
        var (pid, directory) = (server.ProcessId, server.WorkDirectory);

        await server.DisposeAsync();

        Leftovers.AssertGone(pid, directory);
    }

    [Fact]
    public void Missing_binary_names_the_package_to_install()
    {
        var error = Assert.Throws<MissingServerBinaryException>(
            () => BinaryLocator.Find("fluo-no-such-server", "FLUO_TEST_UNSET_VARIABLE", "fluo-no-such-package"));

        Assert.Equal("'fluo-no-such-server' was not found on PATH or in FLUO_TEST_UNSET_VARIABLE; install it with 'apt-get install fluo-no-such-package'.", error.Message);
    }
}
