using Fluo.Contracts;
using Fluo.Nats;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>NATS for a Fluo service: the <c>nats</c> connection with Fluo's JSON, JetStream, key-value and the topology.</summary>
public static class FluoMessagingExtensions
{
    /// <summary>
    /// Registers the <c>nats</c> connection (Aspire's <c>ConnectionStrings:nats</c>) with <see cref="FluoJsonContext.Registry"/>,
    /// <c>INatsJSContext</c> and <c>INatsKVContext</c>, and a hosted service that creates Fluo's streams, consumer and bucket
    /// (retrying until NATS answers) and then publishes <c>events.system.startup</c>.
    /// </summary>
    /// <remarks>The replica count of streams and buckets is <c>Fluo:Nats:Replicas</c> (default 1; 3 on a cluster).</remarks>
    public static TBuilder AddFluoMessaging<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddNatsClient("nats", configureOptions: (_, opts) => opts with { SerializerRegistry = FluoJsonContext.Registry });
        builder.AddNatsJetStream();
        builder.AddNatsKeyValue();
        builder.Services.AddSingleton<FluoTopologyReady>();
        builder.Services.AddHostedService<FluoTopologyInitializer>();
        return builder;
    }
}
