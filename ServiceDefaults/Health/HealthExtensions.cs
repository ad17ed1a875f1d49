using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Fluo.ServiceDefaults.Health;

/// <summary>Health checks and the <c>/health</c> and <c>/alive</c> endpoints.</summary>
public static class HealthExtensions
{
    /// <summary>The tag that puts a check into the liveness endpoint.</summary>
    public const string LiveTag = "live";

    /// <summary>The readiness endpoint: every registered check.</summary>
    public const string HealthPath = "/health";

    /// <summary>The liveness endpoint: only checks tagged <see cref="LiveTag"/>.</summary>
    public const string AlivePath = "/alive";

    /// <summary>Registers the <c>self</c> check, which is always healthy while the process answers, tagged <c>live</c>.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        // A stalled consume loop is fixed by a restart, not by taking the instance out of rotation: it is a liveness check.
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<ConsumerLiveness>();
        builder.Services.AddHealthChecks().AddCheck<ConsumerLivenessHealthCheck>("consumers", tags: [LiveTag]);
        return builder;
    }

    /// <summary>
    /// Maps the endpoints with Aspire's contract: plain-text <c>Healthy</c>/<c>Degraded</c>/<c>Unhealthy</c>,
    /// HTTP 200/200/503. Unlike the Aspire template they are mapped in every environment, because the
    /// orchestrator's <c>WaitFor</c> and container platforms probe them outside Development too; they
    /// reveal nothing but the aggregate status.
    /// </summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(HealthPath);
        endpoints.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) });
        return endpoints;
    }
}
