namespace Fluo.SystemTests.Support;

/// <summary>One running system shared by the tests of a class that do not break it.</summary>
public sealed class SystemFixture : IAsyncLifetime
{
    private FluoSystem? _system;

    /// <summary>The running system.</summary>
    public FluoSystem System => _system ?? throw new InvalidOperationException("Not started.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        _system = await FluoSystem.StartAsync(cancellationToken: cts.Token);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }
    }
}
