using Npgsql;

namespace Microsoft.Extensions.Hosting;

/// <summary>PostgreSQL for a Fluo service: the <c>fluodb</c> data source.</summary>
public static class FluoDatabaseExtensions
{
    /// <summary>The connection name (Aspire's <c>ConnectionStrings:fluodb</c>).</summary>
    public const string ConnectionName = "fluodb";

    /// <summary>
    /// Registers the <c>fluodb</c> <see cref="NpgsqlDataSource"/> (<c>AddNpgsqlDataSource</c>, with its health check,
    /// tracing and metrics), preparing the statements a connection runs repeatedly (<see cref="PrepareRepeatedStatements"/>).
    /// </summary>
    public static TBuilder AddFluoDatabase<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddNpgsqlDataSource(ConnectionName, configureDataSourceBuilder: PrepareRepeatedStatements);
        return builder;
    }

    /// <summary>
    /// Turns on Npgsql's automatic preparation (a statement is prepared on a connection the second time it runs there,
    /// up to 64 per connection), unless the connection string already asks for a number of its own (<c>Max Auto Prepare</c> above 0).
    /// </summary>
    /// <remarks>
    /// Fluo sends a few statements over and over, and a batch repeats one per row (an intake batch of 50 traces is 150
    /// inserts). Unprepared, PostgreSQL parses and plans every one of them: a quarter of its CPU under the ingest benchmark.
    /// </remarks>
    public static void PrepareRepeatedStatements(NpgsqlDataSourceBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }
    }
}
