using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Polly.CircuitBreaker;

namespace Fluo.ServiceDefaults.Tests;

public class ResilienceTests
{
    [Fact]
    public async Task Every_factory_client_retries_transient_failures()
    {
        var attempts = 0;
        await using var flaky = await TestWebApp.StartAsync(map: a => a.MapGet("/flaky",
            () => Interlocked.Increment(ref attempts) <= 2 ? Results.StatusCode(503) : Results.Text("finally")));
        await using var caller = await TestWebApp.StartAsync(b => { b.AddServiceDefaults(); FastRetries(b); });

        var client = caller.Services.GetRequiredService<IHttpClientFactory>().CreateClient("any");
        var body = await client.GetStringAsync(new Uri(flaky.Address, "/flaky"));

        Assert.Equal("finally", body);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task The_otlp_exporter_clients_are_left_to_the_exporters_own_retries()
    {
        var attempts = 0;
        // The caller's own exports go to /v1/traces; only the requests below hit /probe.
        await using var collector = await TestWebApp.StartAsync(map: a => a.MapPost("/probe", () =>
        {
            Interlocked.Increment(ref attempts);
            return Results.StatusCode(503);
        }));
        await using var caller = await TestWebApp.StartAsync(b =>
        {
            b.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Address.ToString();
            b.AddServiceDefaults();
            FastRetries(b);
        });

        var factory = caller.Services.GetRequiredService<IHttpClientFactory>();
        using var response = await factory.CreateClient("OtlpTraceExporter").PostAsync(new Uri(collector.Address, "/probe"), null);
        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal(1, attempts);

        using var other = await factory.CreateClient("any").PostAsync(new Uri(collector.Address, "/probe"), null);
        Assert.True(attempts > 2, $"an ordinary client retries ({attempts} attempts)");
    }

    [Fact]
    public async Task Retry_waits_as_long_as_Retry_After_asks()
    {
        var attempts = 0;
        await using var limited = await TestWebApp.StartAsync(map: a => a.MapGet("/limited", (HttpResponse response) =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                response.Headers.RetryAfter = "2";
                return Results.StatusCode(429);
            }

            return Results.Text("ok");
        }));
        await using var caller = await TestWebApp.StartAsync(b => { b.AddServiceDefaults(); FastRetries(b); });

        var client = caller.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        var watch = Stopwatch.StartNew();
        Assert.Equal("ok", await client.GetStringAsync(new Uri(limited.Address, "/limited")));

        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.9), $"retried after {watch.Elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task Circuit_opens_after_repeated_failures_and_stops_calling_the_server()
    {
        var attempts = 0;
        await using var broken = await TestWebApp.StartAsync(map: a => a.MapGet("/broken", () =>
        {
            Interlocked.Increment(ref attempts);
            return Results.StatusCode(500);
        }));
        await using var caller = await TestWebApp.StartAsync(b =>
        {
            b.AddServiceDefaults();
            FastRetries(b);
            b.Services.ConfigureAll<HttpStandardResilienceOptions>(o =>
            {
                o.CircuitBreaker.MinimumThroughput = 4;
                o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
            });
        });
        var client = caller.Services.GetRequiredService<IHttpClientFactory>().CreateClient("breaker");

        BrokenCircuitException? opened = null;
        for (var call = 0; call < 10 && opened is null; call++)
        {
            try
            {
                using var response = await client.GetAsync(new Uri(broken.Address, "/broken"));
                Assert.Equal(500, (int)response.StatusCode);
            }
            catch (BrokenCircuitException e)
            {
                opened = e;
            }
        }

        Assert.NotNull(opened);
        var seen = attempts;
        await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync(new Uri(broken.Address, "/broken")));
        Assert.Equal(seen, attempts);
    }

    // The standard handler's 2 s exponential back-off would make these tests slow; the pipeline is the same.
    private static void FastRetries(WebApplicationBuilder builder) =>
        builder.Services.ConfigureAll<HttpStandardResilienceOptions>(o => o.Retry.Delay = TimeSpan.FromMilliseconds(10));
}
