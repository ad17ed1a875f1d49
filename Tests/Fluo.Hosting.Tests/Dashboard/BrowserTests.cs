using System.Diagnostics;
using System.Diagnostics.Metrics;
using Fluo.Hosting.Dashboard;
using Fluo.Hosting.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Fluo.Hosting.Tests.Dashboard;

/// <summary>
/// Opens every view in headless Debian chromium against a dashboard fed by the real OTLP exporter, checks what
/// it shows and saves a screenshot of each under TestResults/screenshots (the CI artifact).
/// </summary>
public sealed class BrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Every_view_renders_its_content_and_updates_live_in_a_real_browser()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing; eng/install-prerequisites.sh installs it.");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddNats("nats").WithJetStream();
        await using var app = await builder.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);
        await app.WaitForAllResourcesHealthyAsync(cts.Token);
        var dashboard = app.Services.GetRequiredService<DashboardServer>();
        var traceId = Feed(dashboard.OtlpHttpUrl!);

        var screenshots = Path.Combine(Repo.Root, "Tests", "Fluo.Hosting.Tests", "TestResults", "screenshots");
        Directory.CreateDirectory(screenshots);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);

        async Task ShowAsync(string path, string name, params string[] texts)
        {
            var response = await page.GotoAsync(new Uri(dashboard.Url!, path).ToString());
            Assert.Equal(200, response!.Status);
            foreach (var text in texts)
            {
                await Assertions.Expect(page.Locator("main")).ToContainTextAsync(text);
            }

            await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, $"{name}.png"), FullPage = true });
        }

        await ShowAsync("/", "resources", "nats", "Healthy", "Restart");
        await ShowAsync("/console/nats", "console-logs", "Server is ready");
        await ShowAsync("/logs", "structured-logs", "Order 42 shipped", "Warning");
        await ShowAsync("/traces", "traces", "shop: POST /orders");
        await ShowAsync($"/traces/{traceId}", "trace-waterfall", "publish orders.created", "process orders.created", "Producer", "Consumer");
        await ShowAsync("/metrics?resource=shop", "metrics", "orders.placed", "rate", "order.amount", "p95");
        Assert.True(await page.Locator("svg polyline").CountAsync() >= 2);

        // Live: the resources page follows a restart without reloading.
        await page.GotoAsync(dashboard.Url!.ToString());
        await page.WaitForSelectorAsync("body[data-connected='true']");
        await page.EvaluateAsync("window.notReloaded = true");
        await page.Locator("button[data-action='restart'][data-name='nats']").ClickAsync();
        var row = page.Locator("tr:has(a[href='/console/nats'])");
        await Assertions.Expect(row.Locator("td").Nth(4)).ToHaveTextAsync("1", new() { Timeout = 30_000 }); // Restarts
        await Assertions.Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("Healthy", new() { Timeout = 30_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "resources-after-restart.png"), FullPage = true });
        Assert.True(await page.EvaluateAsync<bool>("window.notReloaded === true"), "the page reloaded instead of updating in place");
        Assert.Equal(1, app.ResourceNotifications.TryGet("nats")!.RestartCount);
        Assert.Empty(errors);
        Assert.All(new[] { "resources", "console-logs", "structured-logs", "traces", "trace-waterfall", "metrics" },
            name => Assert.True(new FileInfo(Path.Combine(screenshots, $"{name}.png")).Length > 5_000, name));
    }

    /// <summary>Sends a producer/consumer trace, a warning log and two metric exports for service "shop".</summary>
    private static string Feed(Uri otlp)
    {
        void Configure(OtlpExporterOptions o, string signal)
        {
            o.Endpoint = new Uri(otlp, signal);
            o.Protocol = OtlpExportProtocol.HttpProtobuf;
            o.ExportProcessorType = ExportProcessorType.Simple;
        }

        var resource = ResourceBuilder.CreateEmpty().AddService("shop");
        using var source = new ActivitySource("browser.test");
        using var tracing = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource("browser.test").AddOtlpExporter(o => Configure(o, "/v1/traces")).Build();
        using var logging = LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(resource);
            o.IncludeFormattedMessage = true;
            o.AddOtlpExporter(e => Configure(e, "/v1/logs"));
        }));
        using var meter = new Meter("browser.test");
        using var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter("browser.test")
            .AddOtlpExporter((o, reader) => { Configure(o, "/v1/metrics"); reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 600_000; }).Build();
        var placed = meter.CreateCounter<long>("orders.placed");
        var amount = meter.CreateHistogram<double>("order.amount", "EUR");

        string traceId;
        using (var root = source.StartActivity("POST /orders", ActivityKind.Server))
        {
            traceId = root!.TraceId.ToHexString();
            using (var publish = source.StartActivity("publish orders.created", ActivityKind.Producer))
            {
                publish!.SetTag("messaging.system", "nats");
                publish.SetTag("messaging.destination.name", "orders.created");
            }

            using (source.StartActivity("process orders.created", ActivityKind.Consumer))
            {
                logging.CreateLogger("Shop.Orders").LogWarning("Order {OrderId} shipped", 42);
            }
        }

        for (var round = 1; round <= 3; round++)
        {
            placed.Add(5 * round);
            for (var i = 1; i <= 20; i++)
            {
                amount.Record(i * 10 * round);
            }

            metrics.ForceFlush();
            Thread.Sleep(200);
        }

        return traceId;
    }
}
