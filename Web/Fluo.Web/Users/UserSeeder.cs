using Microsoft.Extensions.Options;

namespace Fluo.Web.Users;

/// <summary>At start-up: creates the dashboard's tables and the first admin from <c>Fluo:Web:AdminPassword</c>, retrying while PostgreSQL is away.</summary>
public sealed partial class UserSeeder(UserStore users, IOptions<WebOptions> options, ILogger<UserSeeder> logger) : BackgroundService
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the tables exist and the admin is seeded.</summary>
    public Task Ready => _ready.Task;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await users.EnsureSchemaAsync(stoppingToken);
                if (options.Value.AdminPassword is { Length: > 0 } password)
                {
                    if (await users.CreateIfMissingAsync(options.Value.AdminUser, password, isAdmin: true, stoppingToken))
                    {
                        LogSeeded(logger, options.Value.AdminUser);
                    }
                }
                else
                {
                    LogNoAdmin(logger);
                }

                _ready.TrySetResult();
                return;
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                LogRetry(logger, ex.Message, delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Seeded the first admin '{User}'")]
    private static partial void LogSeeded(ILogger logger, string user);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Fluo:Web:AdminPassword is not set; no admin was seeded")]
    private static partial void LogNoAdmin(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Dashboard tables not ready ({Reason}); retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, string reason, TimeSpan delay);
}
