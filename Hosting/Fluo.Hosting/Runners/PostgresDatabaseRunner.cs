using Fluo.Hosting.ApplicationModel;
using Fluo.Hosting.Health;
using Fluo.Hosting.Orchestration;
using Npgsql;

namespace Fluo.Hosting.Runners;

/// <summary>Creates the database once its server is healthy (if missing), then reports healthy when it accepts a query.</summary>
internal sealed class PostgresDatabaseRunner(PostgresDatabaseResource database, RunContext context) : ResourceRunner(database, context)
{
    private PostgresProbe? _probe;

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
        _probe ??= new PostgresProbe(ConnectionString!, $"answers queries in {database.DatabaseName}");
        var (status, description) = await _probe.QueryAsync(cancellationToken).ConfigureAwait(false);
        return [new HealthCheckSnapshot("database", status, description, DateTimeOffset.UtcNow)];
    }

    public override async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _probe, null) is { } probe)
        {
            await probe.DisposeAsync().ConfigureAwait(false);
        }
    }
}
