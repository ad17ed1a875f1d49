using System.Diagnostics;
using Fluo.Nats;
using Fluo.Testing.Nats;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Fluo.ServiceDefaults.Nats;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace Fluo.ServiceDefaults.Tests;

public class NatsIntegrationTests
{
    [Fact]
    public async Task Health_turns_503_while_nats_is_down_and_back_to_200_when_it_returns()
    {
        await using var nats = await NatsServer.StartAsync(new NatsServerOptions { User = "nats", Password = "pw-123" });
        await using var app = await TestWebApp.StartAsync(
            b =>
            {
                b.Configuration["ConnectionStrings:nats"] = $"nats://nats:pw-123@127.0.0.1:{nats.Port}";
                b.Configuration["Aspire:NATS:Net:UnhealthyAfter"] = "00:00:00.300";
                b.AddServiceDefaults();
                b.AddNatsClient("nats", configureOptions: (_, o) => o with { ReconnectWaitMin = TimeSpan.FromMilliseconds(100), ReconnectWaitMax = TimeSpan.FromMilliseconds(200) });
            },
            a => a.MapDefaultEndpoints());
        using var client = app.CreateClient();
        await WaitForHealthAsync(client, 200, "Healthy");

        await nats.StopAsync(kill: true);
        await WaitForHealthAsync(client, 503, "Unhealthy");
        Assert.Equal("Healthy", await client.GetStringAsync("/alive"));

        await nats.StartAgainAsync();
        await WaitForHealthAsync(client, 200, "Healthy");
        Assert.Same(app.Services.GetRequiredService<NatsConnection>(), app.Services.GetRequiredService<INatsConnection>());
    }

    [Fact]
    public async Task A_service_can_start_before_nats_and_connects_when_it_arrives()
    {
        await using var nats = await NatsServer.StartAsync();
        await nats.StopAsync(kill: true);
        await using var app = await TestWebApp.StartAsync(
            b =>
            {
                b.Configuration["ConnectionStrings:nats"] = nats.Url;
                b.AddServiceDefaults();
                b.AddNatsClient("nats", configureOptions: (_, o) => o with { ReconnectWaitMin = TimeSpan.FromMilliseconds(100), ReconnectWaitMax = TimeSpan.FromMilliseconds(200) });
            },
            a => a.MapDefaultEndpoints());
        using var client = app.CreateClient();
        await WaitForHealthAsync(client, 503, "Unhealthy");
        await nats.StartAgainAsync();
        await WaitForHealthAsync(client, 200, "Healthy");
    }

    [Fact]
    public void Missing_connection_string_fails_with_aspires_wording_on_resolve()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddNatsClient("nats");
        using var host = builder.Build();
        var error = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<INatsConnection>());
        Assert.Equal("NATS connection string not found: nats", error.Message);
    }

    [Fact]
    public void Settings_turn_off_the_health_check_and_keyed_clients_use_their_name()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:events"] = "nats://127.0.0.1:4222";
        builder.Configuration["Aspire:NATS:Net:DisableHealthChecks"] = "true";
        builder.AddKeyedNatsClient("events");
        using var host = builder.Build();
        Assert.Equal("nats://127.0.0.1:4222", host.Services.GetRequiredKeyedService<INatsConnection>("events").Opts.Url);
        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckServiceOptions>>().Value;
        Assert.DoesNotContain(options.Registrations, r => r.Name.StartsWith("NATS", StringComparison.Ordinal));

        var withCheck = Host.CreateApplicationBuilder();
        withCheck.Configuration["ConnectionStrings:events"] = "nats://127.0.0.1:4222";
        withCheck.AddKeyedNatsClient("events");
        using var host2 = withCheck.Build();
        var registrations = host2.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckServiceOptions>>().Value.Registrations;
        Assert.Contains(registrations, r => r.Name == "NATS_events");
    }

    [Fact]
    public async Task An_http_request_that_publishes_and_a_subscriber_in_another_host_share_one_trace()
    {
        await using var nats = await NatsServer.StartAsync();
        var spans = new SpanCollector();
        var handled = new TaskCompletionSource<ActivityTraceId>(TaskCreationOptions.RunContinuationsAsynchronously);

        // The "worker": another host with its own connection that handles messages in a process span.
        var workerBuilder = Host.CreateApplicationBuilder();
        workerBuilder.Configuration["ConnectionStrings:nats"] = nats.Url;
        workerBuilder.AddBasicServiceDefaults();
        workerBuilder.AddNatsClient("nats");
        workerBuilder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(spans));
        using var worker = workerBuilder.Build();
        await worker.StartAsync();
        var workerConnection = worker.Services.GetRequiredService<INatsConnection>();
        await using var sub = await workerConnection.SubscribeCoreAsync<string>("jobs.trace_analysis");
        var consume = Task.Run(async () =>
        {
            var msg = await sub.Msgs.ReadAsync();
            using var process = msg.StartActivity();
            handled.TrySetResult(process!.TraceId);
        });

        // The "api": an HTTP endpoint that publishes.
        await using var api = await TestWebApp.StartAsync(
            b =>
            {
                b.Configuration["ConnectionStrings:nats"] = nats.Url;
                b.AddServiceDefaults();
                b.AddNatsClient("nats");
                b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(spans));
            },
            a => a.MapPost("/jobs", async (INatsConnection connection) =>
            {
                await connection.PublishAsync("jobs.trace_analysis", "job");
                return TypedResults.Accepted("/jobs/1");
            }));
        using var client = api.CreateClient();
        using var response = await client.PostAsync("/jobs", null);
        Assert.Equal(202, (int)response.StatusCode);

        var processTrace = await handled.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await consume;
        await worker.StopAsync();
        // Both hosts' tracer providers see every in-process span: count each once.
        var ended = spans.Ended.DistinctBy(s => s.SpanId).ToList();
        var request = Assert.Single(ended, s => s.Kind == ActivityKind.Server && s.DisplayName == "POST /jobs");
        var publish = Assert.Single(ended, s => s.DisplayName == "publish jobs.trace_analysis" && s.TraceId == request.TraceId);
        Assert.Equal(ActivityKind.Producer, publish.Kind);
        var receive = Assert.Single(ended, s => s.DisplayName == "receive jobs.trace_analysis" && s.TraceId == request.TraceId);
        Assert.Equal(publish.SpanId, receive.ParentSpanId);
        Assert.Contains(ended, s => s.DisplayName == "process jobs.trace_analysis" && s.ParentSpanId == receive.SpanId);
        Assert.Equal(request.TraceId, processTrace);
    }

    private static async Task WaitForHealthAsync(HttpClient client, int status, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            using var response = await client.GetAsync("/health");
            var body = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode == status && body == text)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"/health stayed {(int)response.StatusCode} {body}, expected {status} {text}.");
            }

            await Task.Delay(100);
        }
    }
}

public class NatsRequestResilienceTests
{
    [Fact]
    public async Task Idempotent_requests_are_retried_until_a_responder_appears()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var requester = new NatsConnection(new NatsOpts { Url = nats.Url });
        await using var responder = new NatsConnection(new NatsOpts { Url = nats.Url });
        await requester.ConnectAsync();
        await responder.ConnectAsync();

        var request = requester.RequestIdempotentAsync<string, string>("backend.rules.list", "q").AsTask();
        await Task.Delay(100);
        Assert.False(request.IsCompleted);
        await using var sub = await responder.SubscribeCoreAsync<string>("backend.rules.list");
        var answer = Task.Run(async () => await (await sub.Msgs.ReadAsync()).ReplyAsync("rules"));
        Assert.Equal("rules", (await request.WaitAsync(TimeSpan.FromSeconds(15))).Data);
        await answer;
    }

    [Fact]
    public async Task Retries_give_up_with_the_typed_error()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var requester = new NatsConnection(new NatsOpts { Url = nats.Url });
        await Assert.ThrowsAsync<NatsNoRespondersException>(() => requester.RequestIdempotentAsync<string, string>("nobody", "q").AsTask());
    }
}

public class NatsSubscriptionTests
{
    internal sealed class RecordingHandler(Recorder recorder) : INatsMessageHandler<string>
    {
        public Task HandleAsync(NatsMsg<string> msg, CancellationToken cancellationToken)
        {
            if (msg.Data == "boom")
            {
                throw new InvalidOperationException("handler failed");
            }

            recorder.Received.Writer.TryWrite((msg.Data!, Activity.Current?.TraceId ?? default));
            return Task.CompletedTask;
        }
    }

    internal sealed class Recorder
    {
        public System.Threading.Channels.Channel<(string Data, ActivityTraceId TraceId)> Received { get; } =
            System.Threading.Channels.Channel.CreateUnbounded<(string, ActivityTraceId)>();
    }

    [Fact]
    public async Task A_typed_handler_gets_each_message_in_a_span_of_the_producers_trace_and_survives_its_own_failure()
    {
        await using var nats = await NatsServer.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:nats"] = nats.Url;
        builder.AddBasicServiceDefaults();
        builder.AddNatsClient("nats");
        builder.Services.AddSingleton<Recorder>();
        builder.Services.AddNatsSubscription<string, RecordingHandler>("signals.created", queueGroup: "web");
        using var host = builder.Build();
        await host.StartAsync();
        var recorder = host.Services.GetRequiredService<Recorder>();

        await using var publisher = new NatsConnection(new NatsOpts { Url = nats.Url });
        using var source = new ActivitySource("test.producer");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "test.producer",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        // The subscription starts in the background: publish until the handler has seen one.
        while (!recorder.Received.Reader.TryPeek(out _))
        {
            await publisher.PublishAsync("signals.created", "warm-up", cancellationToken: cts.Token);
            await Task.Delay(50, cts.Token);
        }

        while (recorder.Received.Reader.TryRead(out _))
        {
        }

        await publisher.PublishAsync("signals.created", "boom");
        ActivityTraceId sent;
        using (var root = source.StartActivity("raise signal"))
        {
            sent = root!.TraceId;
            await publisher.PublishAsync("signals.created", "s-1");
        }

        var (data, traceId) = await recorder.Received.Reader.ReadAsync(cts.Token);
        while (data == "warm-up")
        {
            (data, traceId) = await recorder.Received.Reader.ReadAsync(cts.Token);
        }

        Assert.Equal("s-1", data);
        Assert.Equal(sent, traceId);
        await host.StopAsync();
    }

    [Fact]
    public void Bad_subjects_fail_at_registration()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentException>(() => services.AddNatsSubscription<string, RecordingHandler>("bad subject"));
        Assert.Throws<ArgumentException>(() => services.AddNatsSubscription<string, RecordingHandler>("ok", "bad group"));
    }
}
