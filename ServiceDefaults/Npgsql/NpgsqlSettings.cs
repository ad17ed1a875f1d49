namespace Fluo.ServiceDefaults.Npgsql;

/// <summary>Settings of <c>AddNpgsqlDataSource</c>, bound from <c>Aspire:Npgsql</c> as in Aspire.Npgsql.</summary>
public sealed class NpgsqlSettings
{
    /// <summary>The connection string; <c>ConnectionStrings:&lt;name&gt;</c> overrides it.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Do not register the PostgreSQL health check.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>Do not trace Npgsql commands.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>Do not record Npgsql metrics.</summary>
    public bool DisableMetrics { get; set; }
}
