using Fluo.Hosting.ApplicationModel;
using Fluo.Hosting.Health;
using Fluo.Hosting.Orchestration;
using Npgsql;

namespace Fluo.Hosting.Runners;

/// <summary>Creates the database once its server is healthy (if missing), then reports healthy when it accepts a query.</summary>
internal sealed class PostgresDatabaseRunner(PostgresDatabaseResource database, RunContext context) : ResourceRunner(database, context)
{
    public override string Type => "database";

    public override string? ConnectionString => $"{Context.RunnerOf(database.Parent).ConnectionString};Database={database.DatabaseName}";

    public override IReadOnlyList<string> Urls => Context.RunnerOf(database.Parent).Urls;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var server = new NpgsqlConnection(Context.RunnerOf(database.Parent).ConnectionString + ";Database=postgres;Pooling=false"))
        {
            await server.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", server);
            exists.Parameters.AddWithValue("name", database.DatabaseName);
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.DatabaseName.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", server);
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var query = new NpgsqlCommand("SELECT 1", connection);
        await query.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        SetState(ResourceState.Healthy);
    }

    public override async Task<IReadOnlyList<HealthCheckSnapshot>> CheckHealthAsync(ResourceSnapshot current, CancellationToken cancellationToken)
    {
        var (status, description) = await QueryAsync(ConnectionString!, $"answers queries in {database.DatabaseName}", cancellationToken).ConfigureAwait(false);
        return [new HealthCheckSnapshot("database", status, description, DateTimeOffset.UtcNow)];
    }

    /// <summary>Logs in with <paramref name="connectionString"/> and runs <c>SELECT 1</c> (5s timeout); unhealthy with the error otherwise.</summary>
    internal static async Task<(HealthStatus Status, string Description)> QueryAsync(string connectionString, string healthy, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false;Timeout=5;Command Timeout=5");
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var query = new NpgsqlCommand("SELECT 1", connection);
            await query.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return (HealthStatus.Healthy, healthy);
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return (HealthStatus.Unhealthy, e.Message);
        }
    }
}
