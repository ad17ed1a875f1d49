using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Fluo.Data;

/// <summary>
/// Applies Fluo's migrations (the embedded <c>Migrations/*.sql</c>, in name order) to fluodb. Safe to run from every
/// replica of every service at once: a transaction-scoped advisory lock serialises them and each migration is
/// recorded in <c>schema_migrations</c> inside the transaction that applies it.
/// </summary>
public static partial class FluoDatabase
{
    // Any constant shared by all Fluo processes; "fluo" in ASCII.
    private const long MigrationLockKey = 0x666c756f;

    /// <summary>The migrations this build carries, by name.</summary>
    public static IReadOnlyList<string> Migrations { get; } = [.. Resources().Select(r => r.Name)];

    /// <summary>Brings the schema up to date; returns the migrations it applied (none when already current).</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(NpgsqlDataSource dataSource, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(
            "SELECT pg_advisory_xact_lock(@key); CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());",
            connection, transaction))
        {
            command.Parameters.AddWithValue("key", MigrationLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT name FROM schema_migrations", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetString(0));
            }
        }

        var done = new List<string>();
        foreach (var (name, sql) in Resources())
        {
            if (applied.Contains(name))
            {
                continue;
            }

            await using (var command = new NpgsqlCommand(sql, connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (name) VALUES (@name)", connection, transaction))
            {
                record.Parameters.AddWithValue("name", name);
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            done.Add(name);
            if (logger is not null)
            {
                LogApplied(logger, name);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return done;
    }

    private static IEnumerable<(string Name, string Sql)> Resources()
    {
        var assembly = typeof(FluoDatabase).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            // Resource names are "Fluo.Data.Migrations.0001_initial.sql": keep "0001_initial".
            var name = Path.GetFileNameWithoutExtension(resource)["Fluo.Data.Migrations.".Length..];
            yield return (name, reader.ReadToEnd());
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Applied database migration {Migration}")]
    private static partial void LogApplied(ILogger logger, string migration);
}
