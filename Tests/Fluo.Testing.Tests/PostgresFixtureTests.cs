using Fluo.Testing.Postgres;
using Npgsql;

namespace Fluo.Testing.Tests;

public class PostgresFixtureTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Gives_the_class_its_own_fresh_database()
    {
        var database = new NpgsqlConnectionStringBuilder(fixture.ConnectionString).Database;

        Assert.StartsWith("test_", database);
        Assert.Equal(database, await PostgresServerTests.ScalarAsync<string>(fixture.ConnectionString, "SELECT current_database()"));
        Assert.Equal(0L, await PostgresServerTests.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"));
    }
}
