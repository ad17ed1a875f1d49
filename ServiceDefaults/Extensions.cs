using Fluo.ServiceDefaults.Health;
using Fluo.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The defaults every Fluo process starts with, as an Aspire service's <c>ServiceDefaults</c> gives them:
/// OpenTelemetry, health checks, service discovery and resilient <see cref="System.Net.Http.HttpClient"/>s.
/// </summary>
public static class Extensions
{
    /// <summary>Adds telemetry, health checks, service discovery and HTTP resilience.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddBasicServiceDefaults();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>Adds telemetry and health checks only, for processes that make no HTTP calls (workers).</summary>
    public static TBuilder AddBasicServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        return builder;
    }

    /// <summary>Maps <c>/health</c> (every check) and <c>/alive</c> (checks tagged <c>live</c>).</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthEndpoints();
        return app;
    }
}
