using Fluo.ServiceDefaults.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Fluo.ServiceDefaults.Telemetry;

/// <summary>OpenTelemetry logs, metrics and traces for a Fluo process, exported over OTLP when configured.</summary>
public static class TelemetryExtensions
{
    /// <summary>
    /// Sources every Fluo process traces besides its own (named after the application). <c>Fluo.Nats</c> is added
    /// by <c>AddNatsClient</c> unless its settings disable tracing.
    /// </summary>
    public static readonly IReadOnlyList<string> SharedSources = ["Npgsql"];

    /// <summary>Meters every Fluo process records besides ASP.NET Core, HttpClient and the runtime.</summary>
    public static readonly IReadOnlyList<string> SharedMeters =
        ["Fluo.Nats", "Npgsql", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Hosting", "System.Net.Http"];

    /// <summary>The named <see cref="System.Net.Http.HttpClient"/>s the OTLP exporter sends its HTTP exports with.</summary>
    private static readonly string[] OtlpExporterClients = ["OtlpTraceExporter", "OtlpMetricExporter", "OtlpLogExporter"];

    /// <summary>
    /// Sends logs (with formatted messages and scopes), metrics and traces through OpenTelemetry, and adds
    /// the OTLP exporter when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; the protocol follows
    /// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> (<c>grpc</c> or <c>http/protobuf</c>). Health probes are not traced.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(builder.Environment.ApplicationName)
                .AddMeter([.. SharedMeters]))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource([.. SharedSources])
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsHealthProbe(context.Request.Path))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();

            // The exporter retries on its own; the standard resilience handler every client gets by default would
            // wrap each export in a second pipeline with its own timeouts, logs and metrics.
            // (RemoveAllResilienceHandlers is marked experimental, EXTEXP0001; it is the documented way to opt one client out.)
            foreach (var client in OtlpExporterClients)
            {
#pragma warning disable EXTEXP0001
                builder.Services.AddHttpClient(client).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
            }
        }

        return builder;
    }

    private static bool IsHealthProbe(PathString path) =>
        path.StartsWithSegments(HealthExtensions.HealthPath) || path.StartsWithSegments(HealthExtensions.AlivePath);
}
