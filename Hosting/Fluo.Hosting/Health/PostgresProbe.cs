using Npgsql;

namespace Fluo.Hosting.Health;

/// <summary>
/// Runs <c>SELECT 1</c> on one connection kept open from probe to probe. Logging in for every probe cost the server a
/// backend process and both ends a SCRAM exchange, once per probe interval for the whole run.
/// </summary>
internal sealed class PostgresProbe(string connectionString, string healthy) : IAsyncDisposable
{
    /// <summary>The <c>application_name</c> its connection shows in <c>pg_stat_activity</c>.</summary>
    public const string ApplicationName = "fluo-hosting-probe";

    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(
        connectionString + $";Application Name={ApplicationName};Minimum Pool Size=0;Maximum Pool Size=1;Timeout=5;Command Timeout=5");

    /// <summary>Healthy with the description given at construction, or unhealthy with the error.</summary>
    public async Task<(HealthStatus Status, string Description)> QueryAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await QueryOnceAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionError(e))
        {
            // The kept connection may be one the server has since closed (it restarted): log in anew before failing.
            _source.Clear();
        }

        try
        {
            return await QueryOnceAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionError(e))
        {
            _source.Clear();
            return (HealthStatus.Unhealthy, e.Message);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _source.DisposeAsync();

    private async Task<(HealthStatus Status, string Description)> QueryOnceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var query = new NpgsqlCommand("SELECT 1", connection);
        await query.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return (HealthStatus.Healthy, healthy);
    }

    private static bool IsConnectionError(Exception e) =>
        e is NpgsqlException or IOException or TimeoutException or System.Net.Sockets.SocketException;
}
