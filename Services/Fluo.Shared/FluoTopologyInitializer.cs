using Fluo.Contracts.Events;
using Fluo.Contracts.Messaging;
using Fluo.Nats;
using Fluo.Nats.JetStream;
using Fluo.Nats.KeyValue;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>Creates Fluo's topology at start-up (idempotently, retrying while NATS is away) and announces the service.</summary>
internal sealed partial class FluoTopologyInitializer(
    INatsJSContext js,
    INatsKVContext kv,
    FluoTopologyReady ready,
    IConfiguration configuration,
    IHostEnvironment environment,
    ILogger<FluoTopologyInitializer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var replicas = configuration.GetValue("Fluo:Nats:Replicas", 1);
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                await FluoTopology.EnsureAsync(js, kv, replicas, stoppingToken);
                break;
            }
            catch (Exception ex) when (ex is NatsException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                LogNotYet(logger, ex.Message, delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }

        ready.SetReady();
        var service = configuration["OTEL_SERVICE_NAME"] ?? environment.ApplicationName;
        var instance = configuration["OTEL_RESOURCE_ATTRIBUTES"]?.Split(',')
            .Select(p => p.Split('=', 2))
            .FirstOrDefault(p => p.Length == 2 && p[0] == "service.instance.id")?[1] ?? Environment.MachineName + ":" + Environment.ProcessId;
        var version = typeof(FluoTopologyInitializer).Assembly.GetName().Version?.ToString() ?? "0.0.0";
        await js.PublishAsync(Subjects.SystemStartup, new ServiceStarted(service, instance, version, DateTimeOffset.UtcNow), cancellationToken: stoppingToken);
        LogStarted(logger, service, instance);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Fluo topology not created yet ({Reason}); retrying in {Delay}")]
    private static partial void LogNotYet(ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Fluo topology ready; announced {Service} ({Instance}) on events.system.startup")]
    private static partial void LogStarted(ILogger logger, string service, string instance);
}
