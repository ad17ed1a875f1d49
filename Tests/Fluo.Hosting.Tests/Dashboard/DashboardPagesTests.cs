using System.Diagnostics;
using Fluo.Hosting.Dashboard;
using Fluo.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Fluo.Hosting.Tests.Dashboard;

public sealed class DashboardPagesTests
{
    [Fact]
    public async Task Pages_show_resources_traces_with_nats_hops_and_logs_and_encode_what_they_show()
    {
        await using var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddNats("nats").WithJetStream();
        await using var app = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.StartAsync(cts.Token);
        await app.WaitForAllResourcesHealthyAsync(cts.Token);
        var dashboard = app.Services.GetRequiredService<DashboardServer>();

        using var source = new ActivitySource("pages.test");
        string traceId;
        using (var provider = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("api")).AddSource("pages.test")
                   .AddOtlpExporter(o =>
                   {
                       o.Endpoint = new Uri(dashboard.OtlpHttpUrl!, "/v1/traces");
                       o.Protocol = OtlpExportProtocol.HttpProtobuf;
                       o.ExportProcessorType = ExportProcessorType.Simple;
                   }).Build())
        {
            using var root = source.StartActivity("POST <script>alert(1)</script>", ActivityKind.Server);
            traceId = root!.TraceId.ToHexString();
            using (source.StartActivity("publish jobs.trace_analysis", ActivityKind.Producer))
            {
            }

            using (source.StartActivity("process jobs.trace_analysis", ActivityKind.Consumer))
            {
            }
        }

        // The AppHost's gRPC port takes OTLP too.
        string grpcTraceId;
        using (var provider = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("worker")).AddSource("pages.test")
                   .AddOtlpExporter(o =>
                   {
                       o.Endpoint = dashboard.OtlpGrpcUrl!;
                       o.Protocol = OtlpExportProtocol.Grpc;
                       o.ExportProcessorType = ExportProcessorType.Simple;
                   }).Build())
        {
            using var span = source.StartActivity("process jobs.trace_analysis", ActivityKind.Consumer);
            grpcTraceId = span!.TraceId.ToHexString();
        }

        Assert.Equal("worker", Assert.Single(dashboard.Store.GetTrace(grpcTraceId)).Service);

        using var http = new HttpClient { BaseAddress = dashboard.Url };
        var resources = await http.GetStringAsync("/", cts.Token);
        Assert.Contains("<a href=\"/console/nats\">nats</a>", resources, StringComparison.Ordinal);
        Assert.Contains("Server is ready", await http.GetStringAsync("/console/nats", cts.Token), StringComparison.Ordinal);
        Assert.DoesNotContain("Server is ready", await http.GetStringAsync("/console/nats?q=no-such-line", cts.Token), StringComparison.Ordinal);
        Assert.Equal(404, (int)(await http.GetAsync("/console/nope", cts.Token)).StatusCode);
        Assert.Contains("Healthy", resources, StringComparison.Ordinal);

        var traces = await http.GetStringAsync("/traces", cts.Token);
        Assert.Contains($"/traces/{traceId}", traces, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", traces, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", traces, StringComparison.Ordinal);

        var waterfall = await http.GetStringAsync($"/traces/{traceId}", cts.Token);
        Assert.Contains("class=\"Producer\"", waterfall, StringComparison.Ordinal);
        Assert.Contains("class=\"Consumer\"", waterfall, StringComparison.Ordinal);
        Assert.True(waterfall.IndexOf("publish jobs.trace_analysis", StringComparison.Ordinal) < waterfall.IndexOf("process jobs.trace_analysis", StringComparison.Ordinal));

        Assert.Equal(404, (int)(await http.GetAsync("/traces/00000000000000000000000000000000", cts.Token)).StatusCode);
        Assert.Equal(200, (int)(await http.GetAsync("/logs", cts.Token)).StatusCode);
    }
}
