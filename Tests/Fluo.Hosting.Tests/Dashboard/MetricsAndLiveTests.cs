using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Fluo.Hosting.Dashboard;
using Fluo.Hosting.Dashboard.Pages;
using Fluo.Hosting.Dashboard.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Fluo.Hosting.Tests.Dashboard;

/// <summary>The metrics view (rates, percentiles) and the live event stream, fed by the real OTLP exporter.</summary>
public sealed class MetricsAndLiveTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static async Task<(DistributedApplication App, DashboardServer Dashboard, HttpClient Http)> StartAsync(DistributedApplicationTestingBuilder builder, CancellationToken cancellationToken)
    {
        builder.AddParameter("some-setting", "x");
        var app = await builder.BuildAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        await app.WaitForAllResourcesHealthyAsync(cancellationToken);
        var dashboard = app.Services.GetRequiredService<DashboardServer>();
        return (app, dashboard, new HttpClient { BaseAddress = dashboard.Url });
    }

    [Fact]
    public async Task Counters_show_as_rates_and_histograms_as_percentiles_of_each_interval()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var builder = DistributedApplicationTestingBuilder.Create();
        var (app, dashboard, http) = await StartAsync(builder, cts.Token);
        await using var _ = app;
        using var __ = http;

        using var meter = new Meter("metrics.test");
        var requests = meter.CreateCounter<long>("requests");
        var duration = meter.CreateHistogram<double>("request.duration", "ms");
        // Read while the provider lives: disposing it exports once more.
        using var provider = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("shop")).AddMeter("metrics.test")
                   .AddView("request.duration", new ExplicitBucketHistogramConfiguration { Boundaries = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000] })
                   .AddOtlpExporter((o, reader) =>
                   {
                       o.Endpoint = new Uri(dashboard.OtlpHttpUrl!, "/v1/metrics");
                       o.Protocol = OtlpExportProtocol.HttpProtobuf;
                       reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 600_000;
                   }).Build();
        requests.Add(10);
        for (var v = 1; v <= 100; v++)
        {
            duration.Record(v); // 1..100: p50 50, p95 95, p99 99 exactly, by linear interpolation in the buckets
        }

        provider.ForceFlush();
        await Task.Delay(300, cts.Token);
        requests.Add(30);
        for (var i = 0; i < 100; i++)
        {
            duration.Record(1000); // the second interval alone: all in (750, 1000]
        }

        provider.ForceFlush();

        var points = (await http.GetFromJsonAsync<List<StoredMetricPoint>>("/api/metrics/shop?name=requests", Json, cts.Token))!;
        Assert.Equal([10.0, 40.0], points.Select(p => p.Value!.Value));
        var expectedRate = 30 / (points[1].Time - points[0].Time).TotalSeconds;
        Assert.InRange(expectedRate, 1, 150);

        var charts = (await http.GetFromJsonAsync<List<InstrumentChart>>("/api/metrics/shop/charts", Json, cts.Token))!;
        var rate = charts.Single(c => c.Name == "requests");
        Assert.Equal(("counter", "rate", "/s"), (rate.Type, rate.Shows, rate.Unit));
        var ratePoint = Assert.Single(Assert.Single(rate.Series).Points);
        Assert.Equal(expectedRate, ratePoint.Value, 9);

        var histogram = charts.Single(c => c.Name == "request.duration");
        Assert.Equal(("histogram", "percentiles", "ms"), (histogram.Type, histogram.Shows, histogram.Unit));
        Assert.Equal(["p50", "p95", "p99"], histogram.Series.Select(s => s.Name));
        Assert.Equal([50.0, 875.0], histogram.Series[0].Points.Select(p => Math.Round(p.Value, 9)));
        Assert.Equal([95.0, 987.5], histogram.Series[1].Points.Select(p => Math.Round(p.Value, 9)));
        Assert.Equal([99.0, 997.5], histogram.Series[2].Points.Select(p => Math.Round(p.Value, 9)));

        var page = await http.GetStringAsync("/metrics?resource=shop", cts.Token);
        Assert.Contains("<option selected>shop</option>", page, StringComparison.Ordinal);
        Assert.Equal(2, CountOf(page, "<svg "));
        Assert.Contains($"rate: <b class=\"latest\">{SvgChart.Number(expectedRate)}</b>", page, StringComparison.Ordinal);
        Assert.Contains("p95: <b class=\"latest\">987.5</b>", page, StringComparison.Ordinal);
        Assert.Contains("p99: <b class=\"latest\">997.5</b>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", await http.GetStringAsync("/metrics?resource=nobody", cts.Token), StringComparison.Ordinal);
    }

    [Fact]
    public void Quantiles_interpolate_inside_buckets_and_stop_at_the_last_bound()
    {
        double[] bounds = [10, 20, 40];
        Assert.Equal(5, MetricCharts.Quantile(0.5, bounds, [2, 0, 0, 0]));
        Assert.Equal(15, MetricCharts.Quantile(0.75, bounds, [1, 1, 0, 0]));
        Assert.Equal(40, MetricCharts.Quantile(0.99, bounds, [0, 0, 1, 9])); // overflow bucket: the last bound
        var t = DateTimeOffset.UnixEpoch;
        StoredMetricPoint Point(int seconds, double value) => new("s", null, "m", "c", "", "counter", t.AddSeconds(seconds), value, null, null, null, null, new Dictionary<string, string>());
        Assert.Equal([5.0, 2.0], MetricCharts.Rates([Point(0, 10), Point(2, 20), Point(4, 4)]).Select(p => p.Value)); // a reset counts from zero
    }

    [Fact]
    public async Task The_event_stream_pushes_state_changes_console_lines_and_new_traces()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddNats("nats");
        var (app, dashboard, http) = await StartAsync(builder, cts.Token);
        await using var _ = app;
        using var __ = http;

        using var response = await http.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = SseParser.Create(await response.Content.ReadAsStreamAsync(cts.Token)).EnumerateAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("hello", events.Current.EventType);

        async Task<JsonElement> NextAsync(string type, Func<JsonElement, bool> match)
        {
            while (await events.MoveNextAsync())
            {
                if (events.Current.EventType == type && JsonDocument.Parse(events.Current.Data).RootElement is var data && match(data))
                {
                    return data;
                }
            }

            throw new InvalidOperationException("The stream ended.");
        }

        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await http.PostAsync("/api/resources/nats/restart", null, cts.Token)).StatusCode);
        await NextAsync("resource", d => d.GetProperty("name").GetString() == "nats" && d.GetProperty("state").GetString() == "Stopping");
        await NextAsync("resource", d => d.GetProperty("name").GetString() == "nats" && d.GetProperty("state").GetString() == "Stopped");
        await NextAsync("console", d => d.GetProperty("resource").GetString() == "nats" && d.GetProperty("text").GetString()!.Contains("Server is ready", StringComparison.Ordinal));
        await NextAsync("resource", d => d.GetProperty("name").GetString() == "nats" && d.GetProperty("state").GetString() == "Healthy");

        using var source = new ActivitySource("live.test");
        string traceId;
        using (var provider = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("api")).AddSource("live.test")
                   .AddOtlpExporter(o =>
                   {
                       o.Endpoint = new Uri(dashboard.OtlpHttpUrl!, "/v1/traces");
                       o.Protocol = OtlpExportProtocol.HttpProtobuf;
                       o.ExportProcessorType = ExportProcessorType.Simple;
                   }).Build())
        {
            using var span = source.StartActivity("GET /live");
            traceId = span!.TraceId.ToHexString();
        }

        var trace = await NextAsync("trace", d => d.GetProperty("traceIds").EnumerateArray().Any(t => t.GetString() == traceId));
        Assert.Equal(traceId, trace.GetProperty("traceIds")[0].GetString());
        await events.DisposeAsync();
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
