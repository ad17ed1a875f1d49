using System.Diagnostics;
using System.Text.Json;
using Fluo.Nats.Services;
using Fluo.Nats.Services.Models;
using Fluo.Nats.Tests.Core;
using Fluo.Testing.Nats;
using Fluo.Testing.Telemetry;

namespace Fluo.Nats.Tests.Services;

public class ServiceTests(NatsServerFixture fixture) : IClassFixture<NatsServerFixture>
{
    private string Url => fixture.Server.Url;

    private static NatsSvcConfig Config(string name) => new(name, "1.2.3")
    {
        Description = "doubles numbers",
        Metadata = new Dictionary<string, string> { ["team"] = "fluo" },
    };

    private Task<NatsConnection> ClientAsync() =>
        TestConnections.ConnectAsync(Url, o => o with { SerializerRegistry = new NatsJsonContextSerializerRegistry(NatsSvcJsonContext.Default) });

    private static ValueTask Double(NatsSvcMsg<int> msg) => msg.ReplyAsync(msg.Data * 2);

    [Fact]
    public async Task Ping_info_and_stats_are_answered_on_all_three_subject_forms()
    {
        await using var connection = await TestConnections.ConnectAsync(Url);
        await using var client = await ClientAsync();
        await using var service = await connection.AddServiceAsync(Config("doubler"));
        await service.AddEndpointAsync<int>(Double, "double", metadata: new Dictionary<string, string> { ["schema"] = "int" });

        foreach (var suffix in new[] { "", ".doubler", $".doubler.{service.Id}" })
        {
            var ping = (await client.RequestAsync<string, PingResponse>($"$SRV.PING{suffix}", "")).Data!;
            Assert.Equal(("io.nats.micro.v1.ping_response", "doubler", service.Id, "1.2.3"), (ping.Type, ping.Name, ping.Id, ping.Version));
            Assert.Equal("fluo", ping.Metadata["team"]);

            var info = (await client.RequestAsync<string, InfoResponse>($"$SRV.INFO{suffix}", "")).Data!;
            Assert.Equal(("io.nats.micro.v1.info_response", service.Id, "doubles numbers"), (info.Type, info.Id, info.Description));
            var endpoint = Assert.Single(info.Endpoints);
            Assert.Equal(("double", "double", "q", "int"), (endpoint.Name, endpoint.Subject, endpoint.QueueGroup, endpoint.Metadata["schema"]));

            var stats = (await client.RequestAsync<string, StatsResponse>($"$SRV.STATS{suffix}", "")).Data!;
            Assert.Equal(("io.nats.micro.v1.stats_response", service.Id), (stats.Type, stats.Id));
            Assert.Equal("double", Assert.Single(stats.Endpoints).Name);
            Assert.True(stats.Started > DateTimeOffset.UtcNow.AddMinutes(-5) && stats.Started <= DateTimeOffset.UtcNow);
        }

        // Another service's name or another instance's id is not answered.
        await Assert.ThrowsAsync<NatsNoRespondersException>(() => client.RequestAsync<string, string>("$SRV.PING.other", "").AsTask());
        await Assert.ThrowsAsync<NatsNoRespondersException>(() => client.RequestAsync<string, string>("$SRV.PING.doubler.NOTTHISONE", "").AsTask());
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 4)]
    public async Task An_endpoint_handles_up_to_MaxConcurrency_requests_at_once(int maxConcurrency, int expectedPeak)
    {
        await using var connection = await TestConnections.ConnectAsync(Url);
        await using var client = await ClientAsync();
        await using var service = await connection.AddServiceAsync(Config($"conc{maxConcurrency}") with { MaxConcurrency = maxConcurrency });
        var inside = 0;
        var peak = 0;
        await service.AddEndpointAsync<int>(async msg =>
        {
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref peak, now);
            await Task.Delay(200);
            Interlocked.Decrement(ref inside);
            await msg.ReplyAsync(msg.Data * 2);
        }, "slow", subject: $"conc{maxConcurrency}.slow");

        var replies = await Task.WhenAll(Enumerable.Range(1, 8).Select(i =>
            client.RequestAsync<int, int>($"conc{maxConcurrency}.slow", i, timeout: TimeSpan.FromSeconds(10)).AsTask()));

        Assert.Equal(Enumerable.Range(1, 8).Select(i => i * 2), replies.Select(r => r.Data).Order());
        Assert.Equal(expectedPeak, peak);

        static void InterlockedMax(ref int target, int value)
        {
            int current;
            while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
            {
            }
        }
    }

    [Fact]
    public async Task Responses_use_the_wire_schema_field_names()
    {
        await using var connection = await TestConnections.ConnectAsync(Url);
        await using var service = await connection.AddServiceAsync(Config("schema"));
        await service.AddEndpointAsync<int>(Double, "double", subject: "schema.double");
        Assert.Equal(4, (await connection.RequestAsync<int, int>("schema.double", 2)).Data);

        var stats = JsonDocument.Parse((await connection.RequestAsync<string, string>("$SRV.STATS.schema", "")).Data!).RootElement;
        Assert.Equal("io.nats.micro.v1.stats_response", stats.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.String, stats.GetProperty("started").ValueKind);
        var endpoint = stats.GetProperty("endpoints")[0];
        Assert.Equal("schema.double", endpoint.GetProperty("subject").GetString());
        Assert.Equal("q", endpoint.GetProperty("queue_group").GetString());
        Assert.Equal(1, endpoint.GetProperty("num_requests").GetInt64());
        Assert.Equal(0, endpoint.GetProperty("num_errors").GetInt64());
        Assert.Equal("", endpoint.GetProperty("last_error").GetString());
        // Durations are integer nanoseconds, as Go's time.Duration.
        Assert.True(endpoint.GetProperty("processing_time").GetInt64() > 0);
        Assert.Equal(endpoint.GetProperty("processing_time").GetInt64() / 100, endpoint.GetProperty("average_processing_time").GetInt64() / 100);

        var info = JsonDocument.Parse((await connection.RequestAsync<string, string>("$SRV.INFO.schema", "")).Data!).RootElement;
        Assert.Equal(JsonValueKind.Object, info.GetProperty("metadata").ValueKind);
        Assert.Equal("schema.double", info.GetProperty("endpoints")[0].GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Two_instances_share_an_endpoint_through_the_queue_group_and_both_answer_ping()
    {
        await using var one = await TestConnections.ConnectAsync(Url);
        await using var two = await TestConnections.ConnectAsync(Url);
        await using var client = await ClientAsync();
        await using var first = await one.AddServiceAsync(Config("shared"));
        await using var second = await two.AddServiceAsync(Config("shared"));
        await first.AddEndpointAsync<int>(Double, "double", subject: "shared.double");
        await second.AddEndpointAsync<int>(Double, "double", subject: "shared.double");

        var replies = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i => (await client.RequestAsync<int, int>("shared.double", i)).Data));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => i * 2), replies);

        var counts = new[] { first, second }.Select(s => Assert.Single(s.GetStats().Endpoints).NumRequests).ToArray();
        Assert.Equal(200, counts.Sum());
        Assert.All(counts, c => Assert.True(c > 0, $"each instance takes a share of the requests: {string.Join("/", counts)}"));

        // Discovery is not queue-grouped: a ping to the name reaches both instances.
        var inbox = client.NewInbox();
        await using var sub = await client.SubscribeCoreAsync<PingResponse>(inbox);
        await client.PublishAsync("$SRV.PING.shared", replyTo: inbox);
        var ids = (await sub.TakeAsync(2)).Select(m => m.Data!.Id).ToHashSet();
        Assert.Equal(new HashSet<string> { first.Id, second.Id }, ids);
    }

    [Fact]
    public async Task Errors_reply_with_service_error_headers_and_are_counted()
    {
        await using var connection = await TestConnections.ConnectAsync(Url);
        await using var service = await connection.AddServiceAsync(Config("faulty"));
        await service.AddEndpointAsync<string>(msg => msg.Data switch
        {
            "missing" => throw new NatsSvcEndpointException(404, "no such thing"),
            "crash" => throw new InvalidOperationException("secret internals"),
            "explicit" => msg.ReplyErrorAsync(409, "conflict", "details"),
            _ => msg.ReplyAsync("fine"),
        }, "op", subject: "faulty.op");

        var missing = await connection.RequestAsync<string, string>("faulty.op", "missing");
        Assert.Equal("no such thing", missing.Headers![NatsSvcHeaders.Error]);
        Assert.Equal("404", missing.Headers[NatsSvcHeaders.ErrorCode]);

        var crash = await connection.RequestAsync<string, string>("faulty.op", "crash");
        Assert.Equal("500", crash.Headers![NatsSvcHeaders.ErrorCode]);
        Assert.DoesNotContain("secret", crash.Headers[NatsSvcHeaders.Error].ToString(), StringComparison.Ordinal);

        var explicitError = await connection.RequestAsync<string, string>("faulty.op", "explicit");
        Assert.Equal(("409", "conflict", "details"), (explicitError.Headers![NatsSvcHeaders.ErrorCode].ToString(), explicitError.Headers[NatsSvcHeaders.Error].ToString(), explicitError.Data));

        var ok = await connection.RequestAsync<string, string>("faulty.op", "hello");
        Assert.Equal("fine", ok.Data);
        Assert.Null(ok.Headers);

        // A request is counted when its handling ends, just after its reply has gone: the last one may still be finishing.
        await TestConnections.WaitForAsync(() => service.GetStats().Endpoints.Sum(e => e.NumRequests) >= 4, "the fourth request to be counted");
        var stats = Assert.Single(service.GetStats().Endpoints);
        Assert.Equal((4L, 3L, "409:conflict"), (stats.NumRequests, stats.NumErrors, stats.LastError));
    }

    [Fact]
    public async Task An_unreadable_payload_is_a_400_without_calling_the_handler()
    {
        await using var connection = await TestConnections.ConnectAsync(Url);
        await using var service = await connection.AddServiceAsync(Config("strict"));
        var called = 0;
        await service.AddEndpointAsync<int>(msg =>
        {
            Interlocked.Increment(ref called);
            return msg.ReplyAsync(msg.Data);
        }, "number", subject: "strict.number");

        var reply = await connection.RequestAsync<string, string>("strict.number", "not a number");
        Assert.Equal("400", reply.Headers![NatsSvcHeaders.ErrorCode]);
        Assert.Equal(0, called);
        Assert.Equal(1, Assert.Single(service.GetStats().Endpoints).NumErrors);
    }

    [Fact]
    public async Task Stats_count_requests_and_processing_time_and_can_be_reset()
    {
        await using var connection = await TestConnections.ConnectAsync(Url);
        await using var client = await ClientAsync();
        await using var service = await connection.AddServiceAsync(Config("timed"));
        await service.AddEndpointAsync<int>(async msg =>
        {
            await Task.Delay(20);
            await msg.ReplyAsync(msg.Data);
        }, "slow", subject: "timed.slow");

        for (var i = 0; i < 5; i++)
        {
            await client.RequestAsync<int, int>("timed.slow", i);
        }

        var stats = Assert.Single((await client.RequestAsync<string, StatsResponse>($"$SRV.STATS.timed.{service.Id}", "")).Data!.Endpoints);
        Assert.Equal(5, stats.NumRequests);
        Assert.Equal(0, stats.NumErrors);
        Assert.True(stats.ProcessingTime >= TimeSpan.FromMilliseconds(5 * 15), $"processing time {stats.ProcessingTime}");
        Assert.Equal(stats.ProcessingTime.Ticks / 5, stats.AverageProcessingTime.Ticks, tolerance: 1);

        service.ResetStats();
        Assert.Equal(0, Assert.Single(service.GetStats().Endpoints).NumRequests);
    }

    [Fact]
    public async Task Groups_prefix_their_endpoints_subjects()
    {
        await using var connection = await TestConnections.ConnectAsync(Url);
        await using var service = await connection.AddServiceAsync(Config("grouped"));
        var math = service.AddGroup("math");
        await math.AddEndpointAsync<int>(Double, "double");
        await math.AddGroup("v2", queueGroup: "v2q").AddEndpointAsync<int>(msg => msg.ReplyAsync(msg.Data * 3), "triple");

        Assert.Equal(10, (await connection.RequestAsync<int, int>("math.double", 5)).Data);
        Assert.Equal(15, (await connection.RequestAsync<int, int>("math.v2.triple", 5)).Data);
        var endpoints = service.GetInfo().Endpoints;
        Assert.Equal([("double", "math.double", "q"), ("triple", "math.v2.triple", "v2q")], endpoints.Select(e => (e.Name, e.Subject, e.QueueGroup)));
    }

    [Fact]
    public async Task Each_request_is_handled_in_a_process_span_of_the_callers_trace()
    {
        using var spans = new SpanRecorder(NatsTelemetry.Name, "svc.tests");
        using var source = new ActivitySource("svc.tests");

        await using var connection = await TestConnections.ConnectAsync(Url);
        await using var service = await connection.AddServiceAsync(Config("traced"));
        await service.AddEndpointAsync<int>(Double, "double", subject: "traced.double");

        using (var root = source.StartActivity("caller"))
        {
            Assert.Equal(6, (await connection.RequestAsync<int, int>("traced.double", 3)).Data);
            var traceId = root!.TraceId;
            await TestConnections.WaitForAsync(() => spans.Stopped.Any(IsProcess), "the process span");
            var process = spans.Stopped.Single(IsProcess);

            Assert.Equal(ActivityKind.Consumer, process.Kind);
            Assert.Equal(traceId, process.TraceId);
            Assert.Equal("traced", process.GetTagItem("nats.service.name"));
        }

        static bool IsProcess(Activity a) => a.OperationName == "process traced.double" && (string?)a.GetTagItem("nats.service.endpoint") == "double";
    }

    [Fact]
    public async Task Invalid_names_versions_and_duplicate_endpoints_are_rejected()
    {
        await using var connection = await TestConnections.ConnectAsync(Url);
        Assert.Throws<ArgumentException>(() => new NatsSvcServer(connection, new NatsSvcConfig("bad name", "1.0.0")));
        Assert.Throws<ArgumentException>(() => new NatsSvcServer(connection, new NatsSvcConfig("ok", "1.0")));
        await using var service = new NatsSvcServer(connection, Config("dupes"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => service.AddEndpointAsync<int>(Double, "double").AsTask());
        await service.StartAsync();
        await service.AddEndpointAsync<int>(Double, "double", subject: "dupes.double");
        await Assert.ThrowsAsync<ArgumentException>(() => service.AddEndpointAsync<int>(Double, "double", subject: "dupes.other").AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => service.AddEndpointAsync<int>(Double, "bad.name").AsTask());
    }

    [Fact]
    public async Task Stopping_unsubscribes_endpoints_and_discovery()
    {
        await using var connection = await TestConnections.ConnectAsync(Url);
        await using var client = await TestConnections.ConnectAsync(Url);
        var service = await connection.AddServiceAsync(Config("stopper"));
        await service.AddEndpointAsync<int>(Double, "double", subject: "stopper.double");
        Assert.Equal(2, (await client.RequestAsync<int, int>("stopper.double", 1)).Data);

        await service.DisposeAsync();
        await connection.FlushAsync();
        await Assert.ThrowsAsync<NatsNoRespondersException>(() => client.RequestAsync<int, int>("stopper.double", 1).AsTask());
        await Assert.ThrowsAsync<NatsNoRespondersException>(() => client.RequestAsync<string, string>("$SRV.PING.stopper", "").AsTask());
    }
}
