using Fluo.Worker.Batching;
using Fluo.Worker.Consuming;
using Fluo.Worker.Export;
using Fluo.Worker.Jobs;
using Fluo.Worker.Rules;
using Fluo.Worker.Telemetry;

namespace Fluo.Worker;

/// <summary>The worker's services.</summary>
public static class Extensions
{
    /// <summary>
    /// Adds Fluo messaging (connection, JetStream, key-value, topology), the job handlers and the hosted consume
    /// loop on <c>JOBS/workers</c>. Settings: <c>Fluo:Worker</c> (<see cref="WorkerOptions"/>).
    /// </summary>
    public static TBuilder AddWorkerServices<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddFluoMessaging();
        builder.Services.AddOptions<WorkerOptions>().Bind(builder.Configuration.GetSection(WorkerOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<WorkerMetrics>();
        builder.Services.AddBackendClient<WorkerOptions>(o => o.RequestTimeout);
        builder.Services.AddSingleton<JobStatusStore>();
        builder.Services.AddSingleton<JobCompletions>();
        builder.Services.AddSingleton<SignalRecorder>();
        builder.Services.AddSingleton<RuleCache>();
        builder.Services.AddHostedService<RulesChangedListener>();
        builder.Services.AddSingleton<TraceAnalysisHandler>();
        builder.Services.AddSingleton<RuleValidationHandler>();
        builder.Services.AddSingleton<DataExportHandler>();
        builder.Services.AddSingleton<DeadLetters>();
        builder.Services.AddSingleton<JobProcessor>();
        builder.Services.AddHostedService<JobConsumer>();
        return builder;
    }
}
