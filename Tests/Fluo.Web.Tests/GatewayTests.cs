using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;
using Fluo.Contracts.Rules;
using Fluo.Contracts.Signals;
using Fluo.Nats.JetStream;
using Fluo.Nats.KeyValue;
using Fluo.Web.Live;
using Microsoft.Extensions.DependencyInjection;

namespace Fluo.Web.Tests;

public sealed class GatewayTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    private WebApp App => fixture.App;

    private INatsJSContext Js => App.Services.GetRequiredService<INatsJSContext>();

    private async Task<WsClient> CookieClientAsync(string user = "admin", string password = WebApp.AdminPassword)
    {
        var (_, cookies) = await App.SignedInBrowserAsync(user, password);
        var ws = await WsClient.ConnectAsync(App.WsUri, cookies);
        var auth = await ws.NextAsync("authenticated");
        Assert.Equal(user, auth.GetProperty("payload").GetProperty("user").GetString());
        Assert.Equal("cookie", auth.GetProperty("payload").GetProperty("via").GetString());
        return ws;
    }

    private async Task<string> TokenAsync(string user = "admin", string password = WebApp.AdminPassword)
    {
        var (client, _) = await App.SignedInBrowserAsync(user, password);
        using (client)
        {
            var token = await client.GetFromJsonAsync<JsonElement>("/api/token");
            return token.GetProperty("token").GetString()!;
        }
    }

    private static Signal NewSignal(Guid? id = null) => new(id ?? Guid.NewGuid(), Guid.NewGuid(), "slow db", "0af7651916cd43dd8448eb211c80319c", Guid.NewGuid(),
        ["b7ad6b7169203331"], Severity.Error, SignalStatus.Open, DateTimeOffset.UtcNow, null, null);

    private async Task<ulong> PublishSignalAsync(Signal signal) =>
        (await Js.PublishAsync(Subjects.SignalCreated, signal, new NatsJSPubOpts { MsgId = signal.Id.ToString() })).Seq;

    [Fact]
    public async Task Ping_is_answered_with_pong_even_before_authentication()
    {
        await using var ws = await WsClient.ConnectAsync(App.WsUri);
        await ws.PingPongAsync();
        await ws.PingPongAsync();
    }

    [Fact]
    public async Task Bad_frames_get_error_frames_and_the_connection_survives()
    {
        await using var ws = await CookieClientAsync();
        await ws.SendRawAsync("this is not json");
        await ws.ExpectErrorAsync(ErrorCodes.BadFrame);
        await ws.SendRawAsync("[1,2,3]");
        await ws.ExpectErrorAsync(ErrorCodes.BadFrame);
        await ws.SendRawAsync("{\"channel\":\"signals\"}");
        await ws.ExpectErrorAsync(ErrorCodes.UnknownType);
        await ws.SendAsync(new { type = "explode", id = "x1" });
        await ws.ExpectErrorAsync(ErrorCodes.UnknownType);
        await ws.SendAsync(new { type = "subscribe", channel = "nonsense" });
        await ws.ExpectErrorAsync(ErrorCodes.BadChannel);
        await ws.SendAsync(new { type = "subscribe", channel = "signal:not-a-guid" });
        await ws.ExpectErrorAsync(ErrorCodes.BadChannel);
        await ws.SendRawAsync("{\"type\":\"subscribe\",\"channel\":\"signals\",\"since\":\"yesterday\"}");
        await ws.ExpectErrorAsync(ErrorCodes.BadFrame);
        await ws.SendAsync(new { type = "unsubscribe", channel = "jobs" });
        await ws.ExpectErrorAsync(ErrorCodes.NotSubscribed);
        await ws.PingPongAsync();
        Assert.Equal(WebSocketState.Open, ws.State);
    }

    [Fact]
    public async Task Unauthenticated_subscribe_is_refused_then_a_token_authenticates()
    {
        await using var ws = await WsClient.ConnectAsync(App.WsUri);
        await ws.SendAsync(new { type = "subscribe", channel = "signals", id = "s1" });
        var error = await ws.NextAsync("error");
        Assert.Equal(ErrorCodes.Unauthenticated, error.GetProperty("payload").GetProperty("code").GetString());
        Assert.Equal("s1", error.GetProperty("ref").GetString());
        await ws.SendAsync(new { type = "publish", channel = "signals", payload = new { } });
        await ws.ExpectErrorAsync(ErrorCodes.Unauthenticated);

        await ws.SendAsync(new { type = "authenticate", payload = new { token = "forged" } });
        await ws.ExpectErrorAsync(ErrorCodes.InvalidToken);
        await ws.SendAsync(new { type = "authenticate" });
        await ws.ExpectErrorAsync(ErrorCodes.InvalidToken);

        await ws.SendAsync(new { type = "authenticate", payload = new { token = await TokenAsync() }, id = "a1" });
        var auth = await ws.NextAsync("authenticated");
        Assert.Equal("admin", auth.GetProperty("payload").GetProperty("user").GetString());
        Assert.Equal("token", auth.GetProperty("payload").GetProperty("via").GetString());
        Assert.Equal("a1", auth.GetProperty("ref").GetString());
        await ws.SendAsync(new { type = "subscribe", channel = "signals" });
        await ws.NextAsync("subscribed");
    }

    [Fact]
    public async Task Token_endpoint_requires_a_signed_in_user()
    {
        var (client, _) = App.NewBrowser();
        using (client)
        {
            using var response = await client.GetAsync("/api/token");
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Signals_reach_subscribers_of_signals_and_of_the_signal_then_unsubscribe_stops_them()
    {
        await using var ws = await CookieClientAsync();
        var signal = NewSignal();
        await ws.SendAsync(new { type = "subscribe", channel = "signals", id = "s1" });
        var subscribed = await ws.NextAsync("subscribed");
        Assert.Equal("signals", subscribed.GetProperty("channel").GetString());
        Assert.Equal("s1", subscribed.GetProperty("ref").GetString());
        await ws.SendAsync(new { type = "subscribe", channel = "signal:" + signal.Id.ToString("N") });
        Assert.Equal("signal:" + signal.Id.ToString("D"), (await ws.NextAsync("subscribed")).GetProperty("channel").GetString());

        var seq = await PublishSignalAsync(signal);
        var frames = new[] { await ws.NextAsync("message"), await ws.NextAsync("message") };
        Assert.Equal(["signal:" + signal.Id, "signals"], frames.Select(f => f.GetProperty("channel").GetString()).Order());
        foreach (var frame in frames)
        {
            Assert.Equal($"SIGNALS:{seq}", frame.GetProperty("id").GetString());
            Assert.Equal(seq, frame.GetProperty("seq").GetUInt64());
            Assert.Equal(Subjects.SignalCreated, frame.GetProperty("subject").GetString());
            Assert.Equal(signal.Id, frame.GetProperty("payload").GetProperty("id").GetGuid());
            Assert.Equal("error", frame.GetProperty("payload").GetProperty("severity").GetString());
            Assert.True(frame.TryGetProperty("timestamp", out _));
        }

        // A status change of another signal reaches 'signals' only.
        var other = NewSignal();
        await Js.PublishAsync(Subjects.SignalResolved, new SignalStatusChanged(other with { Status = SignalStatus.Resolved }, DateTimeOffset.UtcNow, "admin"));
        var change = await ws.NextAsync("message");
        Assert.Equal("signals", change.GetProperty("channel").GetString());
        Assert.Equal(other.Id, change.GetProperty("payload").GetProperty("signal").GetProperty("id").GetGuid());

        await ws.SendAsync(new { type = "unsubscribe", channel = "signals", id = "u1" });
        var unsubscribed = await ws.NextAsync("unsubscribed");
        Assert.Equal("u1", unsubscribed.GetProperty("ref").GetString());
        await PublishSignalAsync(NewSignal());
        await Task.Delay(300);
        await ws.PingPongAsync(); // nothing arrived before the pong
    }

    [Fact]
    public async Task Publish_is_refused_on_channels_that_do_not_allow_it_and_reports_a_missing_backend()
    {
        await using var ws = await CookieClientAsync();
        await ws.SendAsync(new { type = "publish", channel = "signals", payload = new { status = "resolved" } });
        await ws.ExpectErrorAsync(ErrorCodes.PublishNotAllowed);
        await ws.SendAsync(new { type = "publish", channel = "metrics", payload = new { } });
        await ws.ExpectErrorAsync(ErrorCodes.PublishNotAllowed);
        await ws.SendAsync(new { type = "publish", channel = "signal:" + Guid.NewGuid(), payload = new { status = "maybe" } });
        await ws.ExpectErrorAsync(ErrorCodes.BadFrame);
        // No Backend runs in this test: the resolve cannot be carried out and says so.
        await ws.SendAsync(new { type = "publish", channel = "signal:" + Guid.NewGuid(), payload = new { status = "resolved" } });
        var reason = await ws.ExpectErrorAsync(ErrorCodes.PublishFailed);
        Assert.Contains("Backend", reason, StringComparison.Ordinal);
        await ws.PingPongAsync();
    }

    [Fact]
    public async Task Replay_with_since_after_a_reconnect_delivers_exactly_the_missed_events_then_live_ones_once()
    {
        var first = await CookieClientAsync();
        await first.SendAsync(new { type = "subscribe", channel = "signals" });
        await first.NextAsync("subscribed");
        await PublishSignalAsync(NewSignal());
        var lastSeen = (await first.NextAsync("message")).GetProperty("seq").GetUInt64();
        await first.DisposeAsync();

        var missed = new List<ulong>();
        for (var i = 0; i < 3; i++)
        {
            missed.Add(await PublishSignalAsync(NewSignal()));
        }

        await using var second = await CookieClientAsync();
        await second.SendAsync(new { type = "subscribe", channel = "signals", since = lastSeen });
        var replayed = new List<ulong>();
        JsonElement frame;
        while ((frame = (await second.ReceiveAsync())!.Value).GetProperty("type").GetString() == "message")
        {
            replayed.Add(frame.GetProperty("seq").GetUInt64());
        }

        Assert.Equal("subscribed", frame.GetProperty("type").GetString());
        Assert.Equal(missed, replayed);
        Assert.Equal(3, frame.GetProperty("payload").GetProperty("replayed").GetInt32());
        Assert.Equal(missed[^1], frame.GetProperty("payload").GetProperty("lastSeq").GetUInt64());

        var live = await PublishSignalAsync(NewSignal());
        Assert.Equal(live, (await second.NextAsync("message")).GetProperty("seq").GetUInt64());
        await Task.Delay(200);
        await second.PingPongAsync();
    }

    [Fact]
    public async Task A_second_web_replica_started_later_replays_what_it_never_saw()
    {
        var before = await PublishSignalAsync(NewSignal());
        var during = await PublishSignalAsync(NewSignal());
        await using var replica = await WebApp.StartAsync(fixture.Nats.Url, fixture.DbConnectionString);
        var (_, cookies) = await replica.SignedInBrowserAsync(); // the admin exists already; the key ring is shared
        await using var ws = await WsClient.ConnectAsync(replica.WsUri, cookies);
        await ws.NextAsync("authenticated");
        await ws.SendAsync(new { type = "subscribe", channel = "signals", since = before });
        Assert.Equal(during, (await ws.NextAsync("message")).GetProperty("seq").GetUInt64());
        await ws.NextAsync("subscribed");

        // A cookie issued by the first replica works on the second (shared data-protection keys in PostgreSQL).
        var (_, firstCookies) = await App.SignedInBrowserAsync();
        await using var crossed = await WsClient.ConnectAsync(replica.WsUri, firstCookies);
        Assert.Equal("cookie", (await crossed.NextAsync("authenticated")).GetProperty("payload").GetProperty("via").GetString());
    }

    [Fact]
    public async Task Job_status_from_the_bucket_reaches_jobs_and_job_channels_and_replays_by_revision()
    {
        await using var ws = await CookieClientAsync();
        var jobId = Guid.NewGuid();
        await ws.SendAsync(new { type = "subscribe", channel = "job:" + jobId });
        await ws.NextAsync("subscribed");
        var store = await App.Services.GetRequiredService<INatsKVContext>().GetStoreAsync(FluoTopology.JobsBucket);
        var revision = await store.PutAsync(jobId.ToString("N"), new JobStatus(jobId, JobType.TraceAnalysis, JobState.Running, 0.5, 1, "working", null, DateTimeOffset.UtcNow));
        var message = await ws.NextAsync("message");
        Assert.Equal(revision, message.GetProperty("seq").GetUInt64());
        Assert.Equal($"KV_fluo_jobs:{revision}", message.GetProperty("id").GetString());
        Assert.Equal("running", message.GetProperty("payload").GetProperty("state").GetString());

        // Another job does not reach job:{jobId}; both reach 'jobs' replayed from before them.
        var otherRevision = await store.PutAsync(Guid.NewGuid().ToString("N"), new JobStatus(Guid.NewGuid(), JobType.DataExport, JobState.Queued, 0, 0, null, null, DateTimeOffset.UtcNow));
        await ws.SendAsync(new { type = "subscribe", channel = "jobs", since = revision - 1 });
        Assert.Equal(revision, (await ws.NextAsync("message")).GetProperty("seq").GetUInt64());
        Assert.Equal(otherRevision, (await ws.NextAsync("message")).GetProperty("seq").GetUInt64());
        Assert.Equal(2, (await ws.NextAsync("subscribed")).GetProperty("payload").GetProperty("replayed").GetInt32());
    }

    [Fact]
    public async Task Metrics_and_system_channels_deliver()
    {
        await using var ws = await CookieClientAsync();
        await ws.SendAsync(new { type = "subscribe", channel = "metrics" });
        await ws.NextAsync("subscribed");
        var sample = (await ws.NextAsync("message")).GetProperty("payload");
        Assert.True(sample.GetProperty("natsConnected").GetBoolean());
        Assert.Contains(sample.GetProperty("streams").EnumerateArray(), s => s.GetProperty("name").GetString() == FluoTopology.SignalsStream);
        Assert.Contains(sample.GetProperty("consumers").EnumerateArray(), c => c.GetProperty("name").GetString() == LiveFeed.ReplayAnchor);
        Assert.True(sample.GetProperty("jobs").TryGetProperty("queued", out _));
        await ws.SendAsync(new { type = "unsubscribe", channel = "metrics" });
        await ws.ExpectAsync("unsubscribed");

        await ws.SendAsync(new { type = "subscribe", channel = "system" });
        await ws.NextAsync("subscribed");
        var (client, _) = App.NewBrowser();
        using (client)
        using (await WebApp.SignInAsync(client, "admin", WebApp.AdminPassword))
        {
        }

        var login = await ws.NextAsync("message");
        Assert.Equal(Subjects.UserLogin, login.GetProperty("subject").GetString());
        Assert.Equal("admin", login.GetProperty("payload").GetProperty("userName").GetString());
    }

    [Fact]
    public async Task A_user_gets_five_connections_the_sixth_is_refused_and_closed()
    {
        await App.CreateUserAsync("limits", "limits-pass");
        var (_, cookies) = await App.SignedInBrowserAsync("limits", "limits-pass");
        var open = new List<WsClient>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                var ws = await WsClient.ConnectAsync(App.WsUri, cookies);
                await ws.NextAsync("authenticated");
                open.Add(ws);
            }

            await using var sixth = await WsClient.ConnectAsync(App.WsUri, cookies);
            await sixth.ExpectErrorAsync(ErrorCodes.TooManyConnections);
            Assert.Null(await sixth.ReceiveAsync());
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, sixth.CloseStatus);

            await open[0].DisposeAsync();
            open.RemoveAt(0);
            await WaitUntilAsync(() => App.Hub.ConnectionsOf("limits") == 4);
            await using var again = await WsClient.ConnectAsync(App.WsUri, cookies);
            await again.NextAsync("authenticated");
            await open[0].PingPongAsync();
        }
        finally
        {
            foreach (var ws in open)
            {
                await ws.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Fifty_subscriptions_per_connection_the_fifty_first_is_refused_and_the_connection_survives()
    {
        await using var ws = await CookieClientAsync();
        for (var i = 0; i < 50; i++)
        {
            await ws.SendAsync(new { type = "subscribe", channel = "signal:" + Guid.NewGuid() });
            await ws.NextAsync("subscribed");
        }

        await ws.SendAsync(new { type = "subscribe", channel = "signals" });
        await ws.ExpectErrorAsync(ErrorCodes.TooManySubscriptions);
        await ws.PingPongAsync();
    }

    [Fact]
    public async Task A_frame_over_one_megabyte_gets_an_error_and_close_1009()
    {
        await using var ws = await CookieClientAsync();
        var big = new byte[1024 * 1024 + 10];
        Array.Fill(big, (byte)' ');
        await ws.SendBytesAsync(big);
        await ws.ExpectErrorAsync(ErrorCodes.FrameTooLarge);
        Assert.Null(await ws.ReceiveAsync());
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, ws.CloseStatus);
    }

    [Fact]
    public async Task A_frame_of_almost_one_megabyte_is_fine()
    {
        await using var ws = await CookieClientAsync();
        var padding = new string('x', 1000 * 1000);
        await ws.SendAsync(new { type = "ping", id = "big", payload = padding });
        Assert.Equal("big", (await ws.NextAsync("pong")).GetProperty("ref").GetString());
    }

    [Fact]
    public async Task More_than_one_hundred_frames_a_second_are_refused_with_one_error_and_the_connection_survives()
    {
        await using var ws = await CookieClientAsync();
        for (var i = 0; i < 150; i++)
        {
            await ws.SendAsync(new { type = "ping", id = "p" + i });
        }

        var pongs = 0;
        var errors = 0;
        while (pongs + errors < 101)
        {
            var frame = (await ws.ReceiveAsync())!.Value;
            switch (frame.GetProperty("type").GetString())
            {
                case "pong": pongs++; break;
                case "error":
                    Assert.Equal(ErrorCodes.RateLimited, frame.GetProperty("payload").GetProperty("code").GetString());
                    errors++;
                    break;
            }
        }

        Assert.True(pongs <= 100, $"{pongs} pongs");
        Assert.Equal(1, errors);
        await Task.Delay(1100);
        await ws.PingPongAsync();
    }

    [Fact]
    public async Task An_unauthenticated_connection_is_closed_after_the_authentication_timeout()
    {
        await using var ws = await WsClient.ConnectAsync(App.WsUri);
        await ws.ExpectErrorAsync(ErrorCodes.Unauthenticated);
        Assert.Null(await ws.ReceiveAsync());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, ws.CloseStatus);
    }

    [Fact]
    public async Task A_peer_that_stops_answering_heartbeats_is_closed_and_its_slot_freed()
    {
        await App.CreateUserAsync("silent", "silent-pass");
        var (_, cookies) = await App.SignedInBrowserAsync("silent", "silent-pass");
        // ClientWebSocket answers pings only while a receive is pending: not receiving makes it a dead peer.
        await using var ws = await WsClient.ConnectAsync(App.WsUri, cookies);
        await WaitUntilAsync(() => App.Hub.ConnectionsOf("silent") == 1);
        await WaitUntilAsync(() => App.Hub.ConnectionsOf("silent") == 0, TimeSpan.FromSeconds(12));
    }

    [Fact]
    public async Task A_live_peer_survives_several_heartbeats()
    {
        await using var ws = await CookieClientAsync();
        await ws.SendAsync(new { type = "subscribe", channel = "metrics" });
        await ws.NextAsync("subscribed");
        // Receiving (so the client answers the server's pings) for more than two heartbeat periods.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < until)
        {
            await ws.NextAsync("message");
        }

        Assert.Equal(WebSocketState.Open, ws.State);
    }

    [Fact]
    public async Task The_ws_endpoint_refuses_plain_http()
    {
        var (client, _) = App.NewBrowser();
        using (client)
        using (var response = await client.GetAsync("/ws"))
        {
            Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(50);
        }
    }
}
