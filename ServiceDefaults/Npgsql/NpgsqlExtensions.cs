using Fluo.ServiceDefaults.Npgsql;
using global::Npgsql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>The PostgreSQL client integration, with Aspire.Npgsql's names, configuration keys and errors.</summary>
public static class NpgsqlExtensions
{
    private const string SectionName = "Aspire:Npgsql";

    /// <summary>
    /// Registers a singleton <see cref="NpgsqlDataSource"/> for the connection string <paramref name="connectionName"/>,
    /// with a health check (<c>PostgreSql</c>), tracing and metrics, unless <see cref="NpgsqlSettings"/> turn them off.
    /// </summary>
    /// <exception cref="InvalidOperationException">No connection string is configured.</exception>
    public static void AddNpgsqlDataSource(this IHostApplicationBuilder builder, string connectionName,
        Action<NpgsqlSettings>? configureSettings = null, Action<NpgsqlDataSourceBuilder>? configureDataSourceBuilder = null) =>
        Add(builder, connectionName, serviceKey: null, configureSettings, configureDataSourceBuilder);

    /// <summary>As <see cref="AddNpgsqlDataSource"/>, registered as a keyed service under <paramref name="name"/>.</summary>
    public static void AddKeyedNpgsqlDataSource(this IHostApplicationBuilder builder, string name,
        Action<NpgsqlSettings>? configureSettings = null, Action<NpgsqlDataSourceBuilder>? configureDataSourceBuilder = null) =>
        Add(builder, name, serviceKey: name, configureSettings, configureDataSourceBuilder);

    private static void Add(IHostApplicationBuilder builder, string connectionName, string? serviceKey,
        Action<NpgsqlSettings>? configureSettings, Action<NpgsqlDataSourceBuilder>? configureDataSourceBuilder)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        var settings = new NpgsqlSettings();
        builder.Configuration.GetSection(SectionName).Bind(settings);
        builder.Configuration.GetSection($"{SectionName}:{connectionName}").Bind(settings);
        if (builder.Configuration.GetConnectionString(connectionName) is { } fromConnectionStrings)
        {
            settings.ConnectionString = fromConnectionStrings;
        }

        configureSettings?.Invoke(settings);
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionString is missing. It should be provided in 'ConnectionStrings:{connectionName}' or under the 'ConnectionString' key in '{SectionName}' configuration section.");
        }

        NpgsqlDataSource Create(IServiceProvider services)
        {
            var dataSourceBuilder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
            dataSourceBuilder.UseLoggerFactory(services.GetService<Logging.ILoggerFactory>());
            configureDataSourceBuilder?.Invoke(dataSourceBuilder);
            return dataSourceBuilder.Build();
        }

        if (serviceKey is null)
        {
            builder.Services.AddSingleton(Create);
        }
        else
        {
            builder.Services.AddKeyedSingleton(serviceKey, (services, _) => Create(services));
        }

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
                serviceKey is null ? "PostgreSql" : $"PostgreSql_{connectionName}",
                services => new NpgsqlHealthCheck(serviceKey is null
                    ? services.GetRequiredService<NpgsqlDataSource>()
                    : services.GetRequiredKeyedService<NpgsqlDataSource>(serviceKey)),
                failureStatus: null,
                tags: null));
        }

        if (!settings.DisableTracing)
        {
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource("Npgsql"));
        }

        if (!settings.DisableMetrics)
        {
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter("Npgsql"));
        }
    }
}
