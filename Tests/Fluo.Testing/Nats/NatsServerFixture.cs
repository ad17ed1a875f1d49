using Xunit;

namespace Fluo.Testing.Nats;

/// <summary>An xunit class or collection fixture holding one JetStream-enabled <see cref="NatsServer"/>.</summary>
public sealed class NatsServerFixture : IAsyncLifetime
{
    private NatsServer? _server;

    /// <summary>The running server.</summary>
    public NatsServer Server => _server ?? throw new InvalidOperationException("The fixture has not been initialised.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _server = await NatsServer.StartAsync().ConfigureAwait(false);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
