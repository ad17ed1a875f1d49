using System.Reflection;
using System.Text.RegularExpressions;
using Fluo.Backend.Exports;
using Fluo.Backend.Jobs;
using Fluo.Backend.Rules;
using Fluo.Backend.Signals;
using Fluo.Backend.Traces;
using Fluo.Contracts.Backend;
using Fluo.Data;
using Fluo.Nats;
using Fluo.Nats.Services;
using Npgsql;

namespace Fluo.Backend.Hosting;

/// <summary>
/// Migrates fluodb (retrying while PostgreSQL is not up), waits for Fluo's streams, then serves the
/// <c>fluo-backend</c> micro service (queue group <c>backend</c>) until the host stops.
/// </summary>
internal sealed partial class BackendService(IServiceProvider services, NpgsqlDataSource dataSource, INatsConnection connection,
    FluoTopologyReady topology, BackendReady ready, BackendMetrics metrics, IConfiguration configuration, ILogger<BackendService> logger) : BackgroundService
{
    private NatsSvcServer? _server;

    /// <summary>The service's version: the assembly's informational version when it is a semantic version.</summary>
    public static string Version { get; } = typeof(BackendService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        is { } v && SemVer().IsMatch(v) ? v : "1.0.0";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await MigrateAsync(stoppingToken);
        // signals.status publishes to SIGNALS: serve once the stream exists.
        await topology.WaitAsync(stoppingToken);

        _server = new NatsSvcServer(connection, new NatsSvcConfig(BackendSubjects.ServiceName, Version)
        {
            Description = "Fluo's rules, signals, traces, jobs and exports in PostgreSQL",
            QueueGroup = BackendSubjects.QueueGroup,
            // Handlers wait on PostgreSQL: serve several requests per endpoint at once (the pool bounds the rest).
            MaxConcurrency = configuration.GetValue("Fluo:Backend:Concurrency", 16),
        });
        await _server.StartAsync(stoppingToken);
        var endpoints = new BackendEndpoints(_server, metrics, logger);
        await endpoints.MapRulesAsync(services.GetRequiredService<RuleStore>(), stoppingToken);
        await endpoints.MapTracesAsync(services.GetRequiredService<TraceStore>(), stoppingToken);
        await endpoints.MapSignalsAsync(services.GetRequiredService<SignalStore>(), services.GetRequiredService<SignalStatusChanger>(), stoppingToken);
        await endpoints.MapJobsAsync(services.GetRequiredService<JobStore>(), stoppingToken);
        await endpoints.MapExportsAsync(services.GetRequiredService<ExportStore>(), stoppingToken);
        ready.SetReady();
        BackendLog.Serving(logger, Version, endpoints.Names.Count, BackendSubjects.QueueGroup, _server.Id);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_server is { } server)
        {
            // Unsubscribes and waits for the requests being handled.
            await server.DisposeAsync();
        }
    }

    private async Task MigrateAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                await FluoDatabase.MigrateAsync(dataSource, logger, stoppingToken);
                return;
            }
            catch (Exception ex) when (IsNotUpYet(ex) && !stoppingToken.IsCancellationRequested)
            {
                BackendLog.DatabaseNotYet(logger, ex.Message, delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    // Unreachable, starting up, or the orchestrator has not created the database yet.
    private static bool IsNotUpYet(Exception ex) =>
        ex is NpgsqlException { IsTransient: true } or TimeoutException or PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName };

    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemVer();
}
