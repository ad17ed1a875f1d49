using Fluo.Data;
using Npgsql;

namespace Fluo.Api.Infrastructure;

/// <summary>Brings fluodb's schema up to date before the Api serves requests (advisory-locked; the Backend runs it too).</summary>
internal sealed partial class DatabaseMigrator(NpgsqlDataSource dataSource, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await FluoDatabase.MigrateAsync(dataSource, logger, cancellationToken);
                return;
            }
            catch (NpgsqlException ex) when (ex.IsTransient && attempt < 10)
            {
                LogRetry(logger, ex.Message, delay);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "fluodb not reachable for migrations ({Reason}); retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, string reason, TimeSpan delay);
}
