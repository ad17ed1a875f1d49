using Fluo.Backend.Exports;
using Fluo.Backend.Hosting;
using Fluo.Backend.Jobs;
using Fluo.Backend.Rules;
using Fluo.Backend.Signals;
using Fluo.Backend.Traces;

namespace Microsoft.Extensions.Hosting;

/// <summary>The Backend's registrations.</summary>
internal static class Extensions
{
    /// <summary>
    /// PostgreSQL (<c>fluodb</c>), NATS with Fluo's topology, the stores behind each endpoint, and the hosted service that
    /// migrates the database and then serves the <c>fluo-backend</c> micro service.
    /// </summary>
    public static IHostApplicationBuilder AddBackendServices(this IHostApplicationBuilder builder)
    {
        builder.AddFluoDatabase();
        builder.AddFluoMessaging();

        builder.Services.AddSingleton<BackendMetrics>();
        builder.Services.AddSingleton<BackendReady>();
        builder.Services.AddSingleton<RuleStore>();
        builder.Services.AddSingleton<SignalStore>();
        builder.Services.AddSingleton<SignalStatusChanger>();
        builder.Services.AddSingleton<TraceStore>();
        builder.Services.AddSingleton<JobStore>();
        builder.Services.AddSingleton<ExportStore>();
        builder.Services.AddHostedService<BackendService>();
        builder.Services.AddHealthChecks().AddCheck<BackendReadyHealthCheck>("backend");
        return builder;
    }
}
