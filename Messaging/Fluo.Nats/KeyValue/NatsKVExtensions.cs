using Fluo.Nats.JetStream;

namespace Fluo.Nats.KeyValue;

/// <summary>Key-value from a JetStream context.</summary>
public static class NatsKVExtensions
{
    /// <summary>Creates a key-value context on <paramref name="context"/>.</summary>
    public static INatsKVContext CreateKeyValueStoreContext(this INatsJSContext context) => new NatsKVContext(context);
}
