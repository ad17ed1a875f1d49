using Xunit;

namespace Fluo.Testing.Postgres;

/// <summary>
/// An xunit class fixture: a fresh database for the test class on a PostgreSQL server shared with the
/// other fixtures alive at the same time (the server stops when the last of them is disposed).
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;
    private string? _connectionString;

    /// <summary>The server the database lives on.</summary>
    public PostgresServer Server => _server ?? throw new InvalidOperationException("The fixture has not been initialised.");

    /// <summary>Connection string (Aspire's format) of this fixture's own database.</summary>
    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The fixture has not been initialised.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _server = await SharedPostgresServer.AcquireAsync().ConfigureAwait(false);
        _connectionString = await _server.CreateDatabaseAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            _server = null;
            await SharedPostgresServer.ReleaseAsync().ConfigureAwait(false);
        }
    }
}
