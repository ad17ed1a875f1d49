namespace Fluo.Nats.Services;

/// <summary>Micro services from a connection.</summary>
public static class NatsSvcExtensions
{
    /// <summary>Creates and starts a service instance (the equivalent of NATS.Net's <c>NatsSvcContext.AddServiceAsync</c>).</summary>
    public static async ValueTask<NatsSvcServer> AddServiceAsync(this INatsConnection connection, NatsSvcConfig config, CancellationToken cancellationToken = default)
    {
        var server = new NatsSvcServer(connection, config);
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }
}
