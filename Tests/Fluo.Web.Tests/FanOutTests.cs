using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using Fluo.Contracts.Messaging;
using Fluo.Contracts.Rules;
using Fluo.Contracts.Signals;
using Fluo.Nats.JetStream;
using Fluo.Web.Live;
using Microsoft.Extensions.DependencyInjection;

namespace Fluo.Web.Tests;

/// <summary>The fan-out over real sockets: a client that stops reading is dropped without holding back the others.</summary>
public sealed class FanOutTests
{
    [Fact]
    public async Task A_client_that_stops_reading_is_closed_as_a_slow_consumer_and_the_others_get_every_frame()
    {
        await using var web = await WebFixture.StartAsync(new Dictionary<string, string> { ["Fluo:Web:SendQueueLength"] = "8" });
        var app = web.App;
        using var meters = new WebMeters(app.Services.GetRequiredService<IMeterFactory>());
        var js = app.Services.GetRequiredService<INatsJSContext>();
        var (_, cookies) = await app.SignedInBrowserAsync();
        await using var reader = await SubscribedAsync(app, cookies);
        await using var stalled = await SubscribedAsync(app, cookies);

        // ~25 MB of signals: more than the stalled client's socket buffers and its queue of 8 can hold.
        var spans = Enumerable.Range(0, 20_000).Select(i => i.ToString("x16", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        // The reader keeps up (it reads each signal before the next is published); the stalled one never reads.
        for (var i = 0; i < 60; i++)
        {
            var signal = new Signal(Guid.NewGuid(), Guid.NewGuid(), "big", "0af7651916cd43dd8448eb211c80319c", Guid.NewGuid(), spans,
                Severity.Warning, SignalStatus.Open, DateTimeOffset.UtcNow, null, null);
            var seq = (await js.PublishAsync(Subjects.SignalCreated, signal)).Seq;
            var frame = await reader.ExpectAsync("message", TimeSpan.FromSeconds(30));
            Assert.Equal(seq, frame.GetProperty("seq").GetUInt64());
            Assert.Equal(signal.Id, frame.GetProperty("payload").GetProperty("id").GetGuid());
        }

        await WaitUntilAsync(() => app.Hub.ConnectionCount == 1, TimeSpan.FromSeconds(30));
        Assert.Equal(1, meters.Total("fluo.web.live.slow_consumers"));
        await reader.PingPongAsync();

        // The stalled client finds what fitted in its buffers, then the end of the connection.
        var endedBy = await DrainAsync(stalled);
        Assert.True(endedBy is "closed 1008" or "aborted", endedBy);
    }

    [Fact]
    public async Task Every_frame_sent_is_counted_with_the_writes_that_carried_it()
    {
        await using var web = await WebFixture.StartAsync();
        var app = web.App;
        using var meters = new WebMeters(app.Services.GetRequiredService<IMeterFactory>());
        var js = app.Services.GetRequiredService<INatsJSContext>();
        var (_, cookies) = await app.SignedInBrowserAsync();
        await using var client = await SubscribedAsync(app, cookies);
        var before = meters.Total("fluo.web.live.frames");
        for (var i = 0; i < 20; i++)
        {
            await js.PublishAsync(Subjects.SignalCreated, new Signal(Guid.NewGuid(), Guid.NewGuid(), "r", "0af7651916cd43dd8448eb211c80319c", Guid.NewGuid(),
                ["b7ad6b7169203331"], Severity.Error, SignalStatus.Open, DateTimeOffset.UtcNow, null, null));
        }

        for (var i = 0; i < 20; i++)
        {
            await client.ExpectAsync("message");
        }

        await client.PingPongAsync();
        Assert.Equal(21, meters.Total("fluo.web.live.frames") - before); // 20 messages and the pong
        Assert.InRange(meters.Total("fluo.web.live.writes"), 1, meters.Total("fluo.web.live.frames"));
    }

    private static async Task<WsClient> SubscribedAsync(WebApp app, System.Net.CookieContainer cookies)
    {
        var ws = await WsClient.ConnectAsync(app.WsUri, cookies);
        await ws.NextAsync("authenticated");
        await ws.SendAsync(new { type = "subscribe", channel = "signals", id = "s" });
        await ws.NextAsync("subscribed");
        return ws;
    }

    private static async Task<string> DrainAsync(WsClient ws)
    {
        try
        {
            while (await ws.ReceiveAsync(TimeSpan.FromSeconds(30)) is not null)
            {
            }

            return "closed " + (int?)ws.CloseStatus;
        }
        catch (WebSocketException)
        {
            return "aborted";
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!condition())
        {
            await Task.Delay(50, cts.Token);
        }
    }

    /// <summary>Sums the <c>Fluo.Web</c> counters of one app (its meter factory), not of other apps in the test run.</summary>
    private sealed class WebMeters : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, long> _totals = new();

        public WebMeters(IMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == LiveMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value));
            _listener.Start();
        }

        public long Total(string instrument) => _totals.GetValueOrDefault(instrument);

        public void Dispose() => _listener.Dispose();
    }
}
