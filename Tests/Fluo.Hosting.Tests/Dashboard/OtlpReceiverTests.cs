using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using Fluo.Hosting.Dashboard.Otlp;
using Fluo.Hosting.Dashboard.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Fluo.Hosting.Tests.Dashboard;

/// <summary>The real OpenTelemetry .NET OTLP exporter (http/protobuf) sends to the receiver.</summary>
public sealed class OtlpReceiverTests : IAsyncLifetime
{
    private WebApplication? _app;
    private Uri _address = null!;
    private TelemetryStore _store = null!;

    public async Task InitializeAsync() => (_app, _address, _store) = await StartAsync(new TelemetryLimits());

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private static async Task<(WebApplication, Uri, TelemetryStore)> StartAsync(TelemetryLimits limits)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var store = new TelemetryStore(limits);
        app.MapOtlpHttp(store);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return (app, address, store);
    }

    private void Configure(OtlpExporterOptions o, string signal)
    {
        o.Endpoint = new Uri(_address, signal);
        o.Protocol = OtlpExportProtocol.HttpProtobuf;
    }

    private static ResourceBuilder Resource(string service) =>
        ResourceBuilder.CreateEmpty().AddService(service, serviceInstanceId: "instance-1");

    [Fact]
    public async Task Spans_with_kinds_parents_links_events_and_status_arrive_intact()
    {
        using var source = new ActivitySource("receiver.test");
        using (var provider = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(Resource("api")).AddSource("receiver.test")
                   .AddOtlpExporter(o => { Configure(o, "/v1/traces"); o.ExportProcessorType = ExportProcessorType.Simple; }).Build())
        {
            using var other = source.StartActivity("elsewhere");
            var linkTo = other!.Context;
            other.Stop();
            using var root = source.StartActivity("POST /traces", ActivityKind.Server);
            root!.SetTag("http.request.method", "POST");
            using (var publish = source.StartActivity("publish jobs.trace_analysis", ActivityKind.Producer, root.Context, links: [new ActivityLink(linkTo)]))
            {
                publish!.SetTag("messaging.system", "nats");
                publish.AddEvent(new ActivityEvent("queued"));
                publish.SetStatus(ActivityStatusCode.Error, "no stream");
            }

            root.Stop();
            provider.ForceFlush();

            var spans = _store.GetTrace(root.TraceId.ToHexString());
            Assert.Equal(2, spans.Count);
            var server = spans.Single(s => s.Name == "POST /traces");
            var producer = spans.Single(s => s.Name == "publish jobs.trace_analysis");
            Assert.Equal(("Server", "api", "instance-1", "POST"), (server.Kind, server.Service, server.InstanceId, server.Attributes["http.request.method"]));
            Assert.Equal(("Producer", server.SpanId, "nats"), (producer.Kind, producer.ParentSpanId, producer.Attributes["messaging.system"]));
            Assert.Equal(("Error", "no stream"), (producer.Status, producer.StatusMessage));
            Assert.Equal("queued", Assert.Single(producer.Events).Name);
            Assert.Equal((linkTo.TraceId.ToHexString(), linkTo.SpanId.ToHexString()), (producer.Links[0].TraceId, producer.Links[0].SpanId));
            Assert.True(producer.Duration >= TimeSpan.Zero);
            var summary = _store.GetTraces().Single(t => t.TraceId == root.TraceId.ToHexString());
            Assert.Equal(("api: POST /traces", 2, 1), (summary.RootName, summary.SpanCount, summary.ErrorCount));
        }
    }

    [Fact]
    public void Many_traces_are_found_in_one_pass_with_their_spans_in_start_order()
    {
        using var source = new ActivitySource("receiver.many");
        using var provider = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(Resource("api")).AddSource("receiver.many")
            .AddOtlpExporter(o => { Configure(o, "/v1/traces"); o.ExportProcessorType = ExportProcessorType.Simple; }).Build();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var root = source.StartActivity($"root {i}", ActivityKind.Server);
            using (source.StartActivity($"child {i}", ActivityKind.Producer, root!.Context, startTime: root.StartTimeUtc.AddMilliseconds(5)))
            {
            }

            ids.Add(root.TraceId.ToHexString());
        }

        provider.ForceFlush();

        var found = _store.GetTraces(new HashSet<string>([ids[0], ids[2], "0123456789abcdef0123456789abcdef"]));
        Assert.Equal(new[] { ids[0], ids[2] }.Order(), found.Select(g => g.Key).Order());
        Assert.Equal(["root 0", "child 0"], found[ids[0]].Select(s => s.Name));
        Assert.Equal(["root 2", "child 2"], found[ids[2]].Select(s => s.Name));
        Assert.Empty(found[ids[1]]);
    }

    [Fact]
    public async Task Logs_keep_message_severity_category_and_trace_ids()
    {
        using var source = new ActivitySource("receiver.logs");
        using var listener = new ActivityListener { ShouldListenTo = s => s.Name == "receiver.logs", Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData };
        ActivitySource.AddActivityListener(listener);
        using (var factory = LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
               {
                   o.SetResourceBuilder(Resource("worker"));
                   o.IncludeFormattedMessage = true;
                   o.AddOtlpExporter(e => { Configure(e, "/v1/logs"); e.ExportProcessorType = ExportProcessorType.Simple; });
               })))
        {
            var logger = factory.CreateLogger("Fluo.Worker.Jobs");
            using var activity = source.StartActivity("job");
            logger.LogWarning("Job {JobId} took {Seconds} s", "j-7", 12);
            var log = Assert.Single(_store.GetLogs(service: "worker"));
            Assert.Equal(("Job j-7 took 12 s", "Fluo.Worker.Jobs", 13), (log.Message, log.Category, log.SeverityNumber));
            Assert.Equal(activity!.TraceId.ToHexString(), log.TraceId);
            Assert.Equal("j-7", log.Attributes["JobId"]);
            Assert.Single(_store.GetLogs(traceId: activity.TraceId.ToHexString()));
            Assert.Empty(_store.GetLogs(minSeverity: 17));
        }

        await Task.CompletedTask;
    }

    [Fact]
    public async Task Counters_and_histograms_arrive_as_points()
    {
        using var meter = new Meter("receiver.metrics");
        var counter = meter.CreateCounter<long>("jobs.completed");
        var histogram = meter.CreateHistogram<double>("job.duration", "s");
        using (var provider = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(Resource("worker-m")).AddMeter("receiver.metrics")
                   .AddOtlpExporter((o, reader) => { Configure(o, "/v1/metrics"); reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000; }).Build())
        {
            counter.Add(3);
            counter.Add(4);
            histogram.Record(0.2);
            histogram.Record(1.5);
            provider.ForceFlush();
        }

        var completed = _store.GetMetrics("worker-m", "jobs.completed");
        Assert.Equal(("counter", 7.0), (completed[^1].Type, completed[^1].Value));
        var duration = _store.GetMetrics("worker-m", "job.duration")[^1];
        Assert.Equal(("histogram", 2L, "s"), (duration.Type, duration.Count, duration.Unit));
        Assert.Equal(1.7, duration.Sum!.Value, 6);
        Assert.Equal(duration.Bounds!.Count + 1, duration.BucketCounts!.Count);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Malformed_protobuf_gets_400_and_the_receiver_keeps_serving()
    {
        using var client = new HttpClient { BaseAddress = _address };
        using var garbage = new ByteArrayContent([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]);
        garbage.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var bad = await client.PostAsync("/v1/traces", garbage);
        Assert.Equal(400, (int)bad.StatusCode);
        var status = Google.Rpc.Status.Parser.ParseFrom(await bad.Content.ReadAsByteArrayAsync());
        Assert.Contains("not a valid OTLP", status.Message, StringComparison.Ordinal);

        using var text = new StringContent("{}", System.Text.Encoding.UTF8, "text/plain");
        Assert.Equal(415, (int)(await client.PostAsync("/v1/logs", text)).StatusCode);

        using var empty = new ByteArrayContent([]);
        empty.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        Assert.Equal(200, (int)(await client.PostAsync("/v1/traces", empty)).StatusCode);
        Assert.Equal(0, _store.Counts.Spans);
    }

    [Fact]
    public async Task Otlp_json_is_accepted_and_answered_in_json()
    {
        using var client = new HttpClient { BaseAddress = _address };
        const string traceId = "5b8efff798038103d269b633813fc60c";
        using var json = new StringContent($$$"""
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"json-api"}}]},
              "scopeSpans":[{"scope":{"name":"manual"},"spans":[{"traceId":"{{{traceId}}}","spanId":"eee19b7ec3c1b174",
                "name":"GET /rules","kind":2,"startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000",
                "attributes":[{"key":"http.response.status_code","value":{"intValue":"503"}}],"status":{"code":2}}]}]}]}
            """, System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/v1/traces", json);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("{ }", await response.Content.ReadAsStringAsync());
        var span = Assert.Single(_store.GetTrace(traceId));
        Assert.Equal(("json-api", "Server", "Error", "503", TimeSpan.FromSeconds(1)), (span.Service, span.Kind, span.Status, span.Attributes["http.response.status_code"], span.Duration));

        using var broken = new StringContent("{\"resourceSpans\": [", System.Text.Encoding.UTF8, "application/json");
        using var bad = await client.PostAsync("/v1/traces", broken);
        Assert.Equal((400, "application/json"), ((int)bad.StatusCode, bad.Content.Headers.ContentType!.MediaType));
        Assert.Contains("\"message\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flood_stays_within_the_limits_and_drops_the_oldest()
    {
        var (app, address, store) = await StartAsync(new TelemetryLimits { MaxSpans = 500 });
        await using (app)
        {
            using var source = new ActivitySource("receiver.flood");
            using (var provider = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(Resource("flood")).AddSource("receiver.flood")
                       .AddOtlpExporter(o => { o.Endpoint = new Uri(address, "/v1/traces"); o.Protocol = OtlpExportProtocol.HttpProtobuf; o.BatchExportProcessorOptions.MaxQueueSize = 20_000; }).Build())
            {
                for (var i = 0; i < 5000; i++)
                {
                    using var span = source.StartActivity($"span {i}");
                }

                provider.ForceFlush();
            }

            Assert.Equal(500, store.Counts.Spans);
            Assert.Equal(4500, store.Dropped.Spans);
            Assert.Contains(store.GetTraces(1000), t => t.RootName == "flood: span 4999");
            Assert.DoesNotContain(store.GetTraces(1000), t => t.RootName == "flood: span 0");
        }
    }

    [Fact]
    public async Task A_flood_of_logs_and_metric_points_stays_within_the_limits_and_drops_the_oldest()
    {
        var (app, address, store) = await StartAsync(new TelemetryLimits { MaxLogs = 300, MaxMetricPoints = 200 });
        await using (app)
        {
            using (var factory = LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
                   {
                       o.SetResourceBuilder(Resource("flood-logs"));
                       o.IncludeFormattedMessage = true;
                       o.AddOtlpExporter(e =>
                       {
                           e.Endpoint = new Uri(address, "/v1/logs");
                           e.Protocol = OtlpExportProtocol.HttpProtobuf;
                           e.BatchExportProcessorOptions.MaxQueueSize = 20_000;
                       });
                   })))
            {
                var logger = factory.CreateLogger("flood");
                var line = LoggerMessage.Define<int>(LogLevel.Information, new EventId(1), "line {Index}");
                for (var i = 0; i < 3000; i++)
                {
                    line(logger, i, null);
                }
            }

            using var meter = new Meter("receiver.flood.metrics");
            var counter = meter.CreateCounter<long>("flood.series");
            using (var provider = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(Resource("flood-metrics")).AddMeter("receiver.flood.metrics")
                       .AddOtlpExporter((o, reader) =>
                       {
                           o.Endpoint = new Uri(address, "/v1/metrics");
                           o.Protocol = OtlpExportProtocol.HttpProtobuf;
                           reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000;
                       }).Build())
            {
                // 1,000 series exported twice: 2,000 points into room for 200.
                for (var round = 0; round < 2; round++)
                {
                    for (var i = 0; i < 1000; i++)
                    {
                        counter.Add(1, new KeyValuePair<string, object?>("series", i));
                    }

                    provider.ForceFlush();
                }
            }

            Assert.Equal((300, 2700L), (store.Counts.Logs, store.Dropped.Logs));
            var lines = store.GetLogs(service: "flood-logs", max: 1000).Select(l => l.Message).ToHashSet();
            Assert.Contains("line 2999", lines);
            Assert.DoesNotContain("line 0", lines);
            // Two flushes and the provider's last export on dispose: at least 2,000 points came, 200 are kept.
            Assert.Equal(200, store.Counts.MetricPoints);
            Assert.True(store.Dropped.MetricPoints >= 1800, $"dropped {store.Dropped.MetricPoints}");
            Assert.Equal(0, (store.Dropped.MetricPoints + store.Counts.MetricPoints) % 1000);
        }
    }
}
