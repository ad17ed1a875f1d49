using Fluo.Nats;
using Fluo.Nats.JetStream;
using Fluo.Nats.KeyValue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

/// <summary>JetStream and key-value on the connection registered by <c>AddNatsClient</c>, as in Aspire.NATS.Net.</summary>
public static class NatsJetStreamExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="INatsJSContext"/> on the registered <see cref="INatsConnection"/>
    /// (call <c>AddNatsClient</c> too). Calling it again changes nothing.
    /// </summary>
    public static void AddNatsJetStream(this IHostApplicationBuilder builder, NatsJSOpts? opts = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<INatsJSContext>(s => new NatsJSContext(s.GetRequiredService<INatsConnection>(), opts));
    }

    /// <summary>As <see cref="AddNatsJetStream"/>, keyed by <paramref name="name"/> on the connection <c>AddKeyedNatsClient(name)</c> registered.</summary>
    public static void AddKeyedNatsJetStream(this IHostApplicationBuilder builder, string name, NatsJSOpts? opts = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        builder.Services.TryAddKeyedSingleton<INatsJSContext>(name, (s, key) => new NatsJSContext(s.GetRequiredKeyedService<INatsConnection>(key), opts));
    }

    /// <summary>Registers a singleton <see cref="INatsKVContext"/> (and <see cref="INatsJSContext"/> when not registered yet).</summary>
    public static void AddNatsKeyValue(this IHostApplicationBuilder builder)
    {
        builder.AddNatsJetStream();
        builder.Services.TryAddSingleton<INatsKVContext>(s => new NatsKVContext(s.GetRequiredService<INatsJSContext>()));
    }

    /// <summary>As <see cref="AddNatsKeyValue"/>, keyed by <paramref name="name"/>.</summary>
    public static void AddKeyedNatsKeyValue(this IHostApplicationBuilder builder, string name)
    {
        builder.AddKeyedNatsJetStream(name);
        builder.Services.TryAddKeyedSingleton<INatsKVContext>(name, (s, key) => new NatsKVContext(s.GetRequiredKeyedService<INatsJSContext>(key)));
    }
}
