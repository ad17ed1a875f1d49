namespace Fluo.Testing.Postgres;

/// <summary>
/// One PostgreSQL server shared by the fixtures that are alive at the same time in a test process:
/// started by the first that needs it, stopped and removed when the last lets go.
/// </summary>
internal static class SharedPostgresServer
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static PostgresServer? _server;
    private static int _users;

    public static async Task<PostgresServer> AcquireAsync()
    {
        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _server ??= await PostgresServer.StartAsync().ConfigureAwait(false);
            _users++;
            return _server;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task ReleaseAsync()
    {
        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (--_users == 0 && _server is { } server)
            {
                _server = null;
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            Gate.Release();
        }
    }
}
