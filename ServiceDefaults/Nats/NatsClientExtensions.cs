using Fluo.Nats;
using Fluo.ServiceDefaults.Nats;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>The NATS client integration, with Aspire.NATS.Net's names, configuration keys and errors.</summary>
public static class NatsClientExtensions
{
    private const string SectionName = "Aspire:NATS:Net";

    /// <summary>
    /// Registers a singleton <see cref="NatsConnection"/> and <see cref="INatsConnection"/> for the connection string
    /// <paramref name="connectionName"/>, connecting in the background with retry (services may start before NATS),
    /// with the <c>NATS</c> health check and <c>Fluo.Nats</c> tracing unless <see cref="NatsClientSettings"/> turn them off.
    /// </summary>
    /// <remarks>A missing connection string fails when the connection is first resolved, as in Aspire.</remarks>
    public static void AddNatsClient(this IHostApplicationBuilder builder, string connectionName,
        Action<NatsClientSettings>? configureSettings = null, Func<IServiceProvider, NatsOpts, NatsOpts>? configureOptions = null) =>
        Add(builder, connectionName, serviceKey: null, configureSettings, configureOptions);

    /// <summary>As <see cref="AddNatsClient"/>, registered as keyed services under <paramref name="name"/>.</summary>
    public static void AddKeyedNatsClient(this IHostApplicationBuilder builder, string name,
        Action<NatsClientSettings>? configureSettings = null, Func<IServiceProvider, NatsOpts, NatsOpts>? configureOptions = null) =>
        Add(builder, name, serviceKey: name, configureSettings, configureOptions);

    private static void Add(IHostApplicationBuilder builder, string connectionName, string? serviceKey,
        Action<NatsClientSettings>? configureSettings, Func<IServiceProvider, NatsOpts, NatsOpts>? configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        var settings = new NatsClientSettings();
        builder.Configuration.GetSection(SectionName).Bind(settings);
        builder.Configuration.GetSection($"{SectionName}:{connectionName}").Bind(settings);
        if (builder.Configuration.GetConnectionString(connectionName) is { } fromConnectionStrings)
        {
            settings.ConnectionString = fromConnectionStrings;
        }

        configureSettings?.Invoke(settings);

        NatsConnection Create(IServiceProvider services)
        {
            if (string.IsNullOrWhiteSpace(settings.ConnectionString))
            {
                throw new InvalidOperationException($"NATS connection string not found: {connectionName}");
            }

            var opts = new NatsOpts
            {
                Url = settings.ConnectionString,
                Name = builder.Environment.ApplicationName,
                RetryOnInitialConnect = true,
                LoggerFactory = services.GetService<ILoggerFactory>() ?? Logging.Abstractions.NullLoggerFactory.Instance,
            };
            return new NatsConnection(configureOptions?.Invoke(services, opts) ?? opts);
        }

        if (serviceKey is null)
        {
            builder.Services.AddSingleton(Create);
            builder.Services.AddSingleton<INatsConnection>(s => s.GetRequiredService<NatsConnection>());
            builder.Services.AddHostedService(s => new NatsConnectionStarter(s.GetRequiredService<NatsConnection>()));
        }
        else
        {
            builder.Services.AddKeyedSingleton(serviceKey, (s, _) => Create(s));
            builder.Services.AddKeyedSingleton<INatsConnection>(serviceKey, (s, key) => s.GetRequiredKeyedService<NatsConnection>(key));
            builder.Services.AddSingleton<IHostedService>(s => new NatsConnectionStarter(s.GetRequiredKeyedService<NatsConnection>(serviceKey)));
        }

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
                serviceKey is null ? "NATS" : $"NATS_{connectionName}",
                s => new NatsHealthCheck(
                    serviceKey is null ? s.GetRequiredService<NatsConnection>() : s.GetRequiredKeyedService<NatsConnection>(serviceKey),
                    settings.UnhealthyAfter,
                    s.GetService<TimeProvider>() ?? TimeProvider.System),
                failureStatus: null,
                tags: null));
        }

        if (!settings.DisableTracing)
        {
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(NatsTelemetry.Name));
        }
    }
}
