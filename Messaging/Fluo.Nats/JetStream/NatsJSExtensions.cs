namespace Fluo.Nats.JetStream;

/// <summary>JetStream from a connection.</summary>
public static class NatsJSExtensions
{
    /// <summary>Creates a JetStream context on <paramref name="connection"/>.</summary>
    public static INatsJSContext CreateJetStreamContext(this INatsConnection connection, NatsJSOpts? opts = null) =>
        new NatsJSContext(connection, opts);
}
