using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Fluo.ServiceDefaults.Tests;

public class TracingTests
{
    [Fact]
    public async Task Requests_and_outgoing_calls_are_traced_in_one_trace_but_health_probes_are_not()
    {
        var spans = new SpanCollector();
        await using var downstream = await TestWebApp.StartAsync(map: a => a.MapGet("/leaf", () => "leaf"));
        await using var app = await TestWebApp.StartAsync(
            b =>
            {
                b.AddServiceDefaults();
                b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(spans));
            },
            a =>
            {
                a.MapDefaultEndpoints();
                a.MapGet("/api/work", async (IHttpClientFactory factory) =>
                    await factory.CreateClient().GetStringAsync(new Uri(downstream.Address, "/leaf")));
            });
        using var client = app.CreateClient();

        await client.GetStringAsync("/health");
        await client.GetStringAsync("/alive");
        await client.GetStringAsync("/api/work");

        // Listeners are process-wide, so the collector also sees the downstream app's spans (and other tests'). A
        // server span ends just after its response is written, so the client can read the body a moment before that.
        var ended = spans.Ended;
        for (var wait = 0; wait < 100 && !ended.Any(s => s.Kind == ActivityKind.Server && s.DisplayName == "GET /api/work"); wait++)
        {
            await Task.Delay(50);
            ended = spans.Ended;
        }

        var server = Assert.Single(ended, s => s.Kind == ActivityKind.Server && s.DisplayName == "GET /api/work");
        var outgoing = Assert.Single(ended, s => s.Kind == ActivityKind.Client && s.ParentSpanId == server.SpanId);
        Assert.Equal(server.TraceId, outgoing.TraceId);
        Assert.Contains(ended, s => s.Kind == ActivityKind.Server && s.ParentSpanId == outgoing.SpanId && s.DisplayName == "GET /leaf");
        Assert.DoesNotContain(ended, s => s.GetTagItem("url.path") is "/health" or "/alive");
    }
}
