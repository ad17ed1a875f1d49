using Fluo.Testing;
using Fluo.Testing.Certificates;
using Fluo.Testing.Nats;

namespace Fluo.Nats.Tests.Core;

public class SecurityTests
{
    [Fact]
    public async Task User_and_password_in_the_url_authenticate_and_a_wrong_password_fails_with_the_servers_words()
    {
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { User = "nats", Password = "s3cret-pw" });
        await using (var ok = await TestConnections.ConnectAsync($"nats://nats:s3cret-pw@127.0.0.1:{server.Port}"))
        {
            await ok.PingAsync();
        }

        await using (var viaOpts = await TestConnections.ConnectAsync(server.Url, o => o with { Username = "nats", Password = "s3cret-pw" }))
        {
            await viaOpts.PingAsync();
        }

        await using var bad = new NatsConnection(TestConnections.Fast($"nats://nats:wrong@127.0.0.1:{server.Port}"));
        var error = await Assert.ThrowsAsync<NatsServerException>(() => bad.ConnectAsync().AsTask());
        Assert.Contains("Authorization Violation", error.ServerError, StringComparison.Ordinal);
        Assert.True(error.IsAuthorizationError);
        Assert.DoesNotContain("wrong", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_authentication()
    {
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { Token = "tok-123" });
        await using var ok = await TestConnections.ConnectAsync(server.Url, o => o with { Token = "tok-123" });
        await ok.PingAsync();
        await using var viaUrl = await TestConnections.ConnectAsync($"nats://tok-123@127.0.0.1:{server.Port}");
        await viaUrl.PingAsync();
        await using var bad = new NatsConnection(TestConnections.Fast(server.Url) with { Token = "nope" });
        await Assert.ThrowsAsync<NatsServerException>(() => bad.ConnectAsync().AsTask());
    }

    [Fact]
    public async Task Tls_with_a_self_signed_certificate_trusted_through_the_ca_file()
    {
        var directory = TestEnvironment.CreateWorkDirectory("tls");
        try
        {
            var (cert, key) = TestCertificates.CreateSelfSigned(directory, "localhost");
            await using var server = await NatsServer.StartAsync(new NatsServerOptions { TlsCertFile = cert, TlsKeyFile = key });
            var url = $"tls://localhost:{server.Port}";
            await using (var trusted = await TestConnections.ConnectAsync(url, o => o with { Tls = new NatsTlsOpts { CaFile = cert } }))
            {
                await using var sub = await trusted.SubscribeCoreAsync<string>("secure");
                await trusted.PublishAsync("secure", "over tls");
                Assert.Equal("over tls", (await sub.NextAsync()).Data);
            }

            await using var untrusted = new NatsConnection(TestConnections.Fast(url));
            var error = await Assert.ThrowsAsync<NatsConnectionException>(() => untrusted.ConnectAsync().AsTask());
            Assert.Contains("localhost", error.Message, StringComparison.Ordinal);

            // The server requires TLS, so a nats:// URL upgrades too.
            await using var upgraded = await TestConnections.ConnectAsync($"nats://localhost:{server.Port}", o => o with { Tls = new NatsTlsOpts { CaFile = cert } });
            await upgraded.PingAsync();
        }
        finally
        {
            TestEnvironment.DeleteWorkDirectory(directory);
        }
    }

    [Fact]
    public async Task Client_required_tls_against_a_plain_server_fails_clearly()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = new NatsConnection(TestConnections.Fast(server.Url) with { Tls = new NatsTlsOpts { Required = true } });
        var error = await Assert.ThrowsAsync<NatsConnectionException>(() => connection.ConnectAsync().AsTask());
        Assert.Contains("TLS is required by the client", error.Message, StringComparison.Ordinal);
    }
}
