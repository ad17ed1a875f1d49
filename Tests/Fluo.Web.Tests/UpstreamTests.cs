using System.Net.WebSockets;
using Fluo.Contracts.Messaging;
using Fluo.Contracts.Rules;
using Fluo.Contracts.Signals;
using Fluo.Nats.JetStream;
using Fluo.Testing.Nats;
using Microsoft.Extensions.DependencyInjection;

namespace Fluo.Web.Tests;

/// <summary>The replica loses NATS: its sockets are closed with 1013, upgrades are refused, and a client that comes back with <c>since</c> misses nothing.</summary>
public sealed class UpstreamTests
{
    [Fact]
    public async Task Losing_nats_closes_sockets_with_try_again_later_and_refuses_upgrades_until_it_is_back()
    {
        await using var web = await WebFixture.StartAsync();
        var (nats, app) = (web.Nats, web.App);
        var js = app.Services.GetRequiredService<INatsJSContext>();
        var (_, cookies) = await app.SignedInBrowserAsync();
        var ws = await WsClient.ConnectAsync(app.WsUri, cookies);
        await ws.NextAsync("authenticated");
        await ws.SendAsync(new { type = "subscribe", channel = "signals", id = "s1" });
        await ws.NextAsync("subscribed");
        var seen = (await js.PublishAsync(Subjects.SignalCreated, NewSignal())).Seq;
        await ws.ExpectAsync("message");

        await nats.StopAsync();
        Assert.Null(await ws.ReceiveAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(1013, (int)ws.CloseStatus!);
        await ws.DisposeAsync();
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => WsClient.ConnectAsync(app.WsUri, cookies));
        Assert.Contains("503", refused.Message, StringComparison.Ordinal);

        await nats.StartAgainAsync();
        var missed = NewSignal();
        WsClient? again = null;
        for (var attempt = 0; again is null; attempt++)
        {
            try
            {
                again = await WsClient.ConnectAsync(app.WsUri, cookies);
            }
            catch (WebSocketException) when (attempt < 100)
            {
                await Task.Delay(200);
            }
        }

        await using (again)
        {
            await again.NextAsync("authenticated");
            var seq = (await js.PublishAsync(Subjects.SignalCreated, missed)).Seq;
            await again.SendAsync(new { type = "subscribe", channel = "signals", since = seen, id = "s2" });
            var message = await again.ExpectAsync("message");
            Assert.Equal(seq, message.GetProperty("seq").GetUInt64());
            Assert.Equal(missed.Id, message.GetProperty("payload").GetProperty("id").GetGuid());
        }
    }

    private static Signal NewSignal() => new(Guid.NewGuid(), Guid.NewGuid(), "slow db", "0af7651916cd43dd8448eb211c80319c", Guid.NewGuid(),
        ["b7ad6b7169203331"], Severity.Error, SignalStatus.Open, DateTimeOffset.UtcNow, null, null);
}
