using Fluo.Testing.Postgres;
using Npgsql;

namespace Fluo.Testing.Tests;

public class PostgresServerTests
{
    [Fact]
    public async Task Starts_with_password_auth_and_keeps_data_across_a_restart_on_the_same_port()
    {
        await using var server = await PostgresServer.StartAsync();
        var connectionString = await server.CreateDatabaseAsync("orders");
        await ExecuteAsync(connectionString, "CREATE TABLE t(id int); INSERT INTO t VALUES (42);");
        var port = server.Port;

        await server.RestartAsync(kill: true);
        NpgsqlConnection.ClearAllPools();

        Assert.Equal(port, server.Port);
        Assert.Equal(42, await ScalarAsync<int>(connectionString, "SELECT id FROM t"));
    }

    [Fact]
    public async Task Rejects_a_wrong_password()
    {
        await using var server = await PostgresServer.StartAsync();

        var wrong = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Password = "wrong", Pooling = false }.ConnectionString;
        var error = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync<int>(wrong, "SELECT 1"));
        Assert.Equal("28P01", error.SqlState);
    }

    [Fact]
    public async Task Leaves_no_process_or_directory_after_dispose()
    {
        var server = await PostgresServer.StartAsync();
        Assert.Equal(1, await ScalarAsync<int>(server.ConnectionString, "SELECT 1"));
        var (pid, directory) = (server.ProcessId, server.WorkDirectory);
        NpgsqlConnection.ClearAllPools();

        await server.DisposeAsync();

        Leftovers.AssertGone(pid, directory);
    }

    internal static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
