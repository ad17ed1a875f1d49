using System.Buffers.Binary;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using Fluo.Hosting.Dashboard.Otlp;
using Fluo.Hosting.Dashboard.Telemetry;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Fluo.Hosting.Tests.Dashboard;

/// <summary>The real OpenTelemetry .NET OTLP exporter over gRPC (h2c) sends to the hand-written gRPC receiver.</summary>
public sealed class OtlpGrpcTests : IAsyncLifetime
{
    private const string TraceExport = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    private WebApplication? _app;
    private Uri _address = null!;
    private TelemetryStore _store = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _store = new TelemetryStore(new TelemetryLimits());
        _app.MapOtlpGrpc(_store);
        await _app.StartAsync();
        _address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private void Configure(OtlpExporterOptions o)
    {
        o.Endpoint = _address;
        o.Protocol = OtlpExportProtocol.Grpc;
    }

    [Fact]
    public void Traces_logs_and_metrics_arrive_from_the_real_exporter_over_grpc()
    {
        using var source = new ActivitySource("grpc.test");
        string traceId;
        using (var provider = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("grpc-api")).AddSource("grpc.test")
                   .AddOtlpExporter(o => { Configure(o); o.ExportProcessorType = ExportProcessorType.Simple; }).Build())
        {
            using var root = source.StartActivity("POST /traces", ActivityKind.Server);
            traceId = root!.TraceId.ToHexString();
            using (source.StartActivity("publish jobs.trace_analysis", ActivityKind.Producer))
            {
            }
        }

        var spans = _store.GetTrace(traceId);
        Assert.Equal(["POST /traces", "publish jobs.trace_analysis"], spans.Select(s => s.Name).Order());
        Assert.All(spans, s => Assert.Equal("grpc-api", s.Service));
        Assert.Contains(spans, s => s.Kind == "Producer");

        using (var factory = LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
               {
                   o.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("grpc-worker"));
                   o.IncludeFormattedMessage = true;
                   o.AddOtlpExporter(e => { Configure(e); e.ExportProcessorType = ExportProcessorType.Simple; });
               })))
        {
            factory.CreateLogger("Fluo.Worker").LogWarning("Job {JobId} over gRPC", "j-9");
        }

        Assert.Equal("Job j-9 over gRPC", Assert.Single(_store.GetLogs(service: "grpc-worker")).Message);

        using var meter = new Meter("grpc.metrics");
        var counter = meter.CreateCounter<long>("jobs.completed");
        using (var provider = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("grpc-metrics")).AddMeter("grpc.metrics")
                   .AddOtlpExporter((o, reader) => { Configure(o); reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000; }).Build())
        {
            counter.Add(5);
            Assert.True(provider.ForceFlush(10_000));
        }

        Assert.Equal(5.0, _store.GetMetrics("grpc-metrics", "jobs.completed")[^1].Value);
    }

    [Fact]
    public async Task Malformed_messages_get_a_grpc_error_status_and_the_receiver_keeps_serving()
    {
        using var client = new HttpClient { BaseAddress = _address };

        async Task<(HttpStatusCode Http, string? Grpc, string? Message, byte[] Body)> CallAsync(byte[] body, string? encoding = null, string contentType = "application/grpc")
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            using var request = new HttpRequestMessage(HttpMethod.Post, TraceExport)
            {
                Content = content, Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            if (encoding is not null)
            {
                request.Headers.Add("grpc-encoding", encoding);
            }

            using var response = await client.SendAsync(request);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            string? Header(string name) =>
                response.TrailingHeaders.TryGetValues(name, out var values) || response.Headers.TryGetValues(name, out values) ? values.First() : null;
            return (response.StatusCode, Header("grpc-status"), Header("grpc-message"), bytes);
        }

        static byte[] Frame(byte[] message, byte compressed = 0)
        {
            var frame = new byte[5 + message.Length];
            frame[0] = compressed;
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
            message.CopyTo(frame, 5);
            return frame;
        }

        var garbage = await CallAsync(Frame([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
        Assert.Equal((HttpStatusCode.OK, "3"), (garbage.Http, garbage.Grpc));
        Assert.Contains("not a valid OTLP protobuf ExportTraceServiceRequest", Uri.UnescapeDataString(garbage.Message!), StringComparison.Ordinal);
        Assert.Equal("3", (await CallAsync([0, 0, 0, 0, 9, 1, 2])).Grpc); // the prefix promises more than was sent
        Assert.Equal("3", (await CallAsync([0, 0])).Grpc);
        Assert.Equal("12", (await CallAsync(Frame([1, 2, 3], compressed: 1), encoding: "snappy")).Grpc);
        Assert.Equal("3", (await CallAsync(Frame([1, 2, 3], compressed: 1), encoding: "gzip")).Grpc);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await CallAsync(Frame([]), contentType: "application/json")).Http);
        Assert.Equal(0, _store.Counts.Spans);

        // Still serving: a well-formed request is stored and answered with an (empty) response message and status 0.
        var request = new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                new OpenTelemetry.Proto.Trace.V1.ResourceSpans
                {
                    ScopeSpans =
                    {
                        new OpenTelemetry.Proto.Trace.V1.ScopeSpans
                        {
                            Spans =
                            {
                                new OpenTelemetry.Proto.Trace.V1.Span
                                {
                                    TraceId = ByteString.CopyFrom(Convert.FromHexString("5b8efff798038103d269b633813fc60c")),
                                    SpanId = ByteString.CopyFrom(Convert.FromHexString("eee19b7ec3c1b174")),
                                    Name = "after the garbage", StartTimeUnixNano = 1, EndTimeUnixNano = 2,
                                },
                            },
                        },
                    },
                },
            },
        };
        var ok = await CallAsync(Frame(request.ToByteArray()));
        Assert.Equal((HttpStatusCode.OK, "0"), (ok.Http, ok.Grpc));
        Assert.Equal(5, ok.Body.Length);
        Assert.Equal("after the garbage", Assert.Single(_store.GetTrace("5b8efff798038103d269b633813fc60c")).Name);
    }
}
