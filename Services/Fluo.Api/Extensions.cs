using System.Text.Json.Serialization;
using Fluo.Api;
using Fluo.Api.Backend;
using Fluo.Api.Infrastructure;
using Fluo.Api.Exports;
using Fluo.Api.Outbox;
using Fluo.Api.Rules;
using Fluo.Api.Traces;
using Fluo.Contracts;

namespace Microsoft.Extensions.Hosting;

/// <summary>The Api's services: JSON, ProblemDetails, OpenAPI, the backend client, the outbox and its relay.</summary>
public static class Extensions
{
    /// <summary>Registers everything the Api's endpoints and background services need.</summary>
    public static IHostApplicationBuilder AddApiServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.Configure<ApiOptions>(builder.Configuration.GetSection(ApiOptions.SectionName));
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
            options.SerializerOptions.TypeInfoResolverChain.Insert(1, FluoJsonContext.Default);
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemDetailsDefaults.Customize);
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddOpenApi();

        services.AddSingleton<ApiMetrics>();
        services.AddBackendClient<ApiOptions>(o => o.BackendTimeout);
        services.AddSingleton<JobStatusStore>();
        services.AddSingleton<CommittedOutbox>();
        services.AddSingleton<TraceIntake>();
        services.AddSingleton<RuleCommands>();
        services.AddSingleton<ExportCommands>();
        services.AddHostedService<DatabaseMigrator>();
        services.AddHostedService<OutboxRelay>();

        services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(ApiTelemetry.Name))
            .WithMetrics(metrics => metrics.AddMeter(ApiTelemetry.Name));
        return builder;
    }
}
