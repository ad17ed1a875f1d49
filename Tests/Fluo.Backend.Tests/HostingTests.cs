using System.Text.Json;
using Fluo.Backend.Hosting;
using Fluo.Contracts.Backend;
using Fluo.Data;
using Fluo.Nats;
using Fluo.Testing.Nats;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fluo.Backend.Tests;

/// <summary>Backends built the way Program builds one, several at once, on their own nats-server and database.</summary>
[Collection(BackendCollection.Name)]
public class HostingTests(BackendFixture fixture)
{
    private static async Task<WebApplication> StartBackendAsync(string natsUrl, string fluodb)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["ConnectionStrings:nats"] = natsUrl;
        builder.Configuration["ConnectionStrings:fluodb"] = fluodb;
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults();
        builder.AddBackendServices();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        await app.Services.GetRequiredService<BackendReady>().WaitAsync().WaitAsync(BackendFixture.Wait);
        return app;
    }

    [Fact]
    public async Task Fluodb_prepares_the_statements_a_connection_repeats_and_compresses_large_values_with_lz4()
    {
        await using var nats = await NatsServer.StartAsync();
        var fluodb = await fixture.Postgres.CreateDatabaseAsync();
        var app = await StartBackendAsync(nats.Url, fluodb);
        try
        {
            var dataSource = app.Services.GetRequiredService<Npgsql.NpgsqlDataSource>();
            await using (var connection = await dataSource.OpenConnectionAsync())
            {
                for (var i = 0; i < 3; i++)
                {
                    await using var repeated = new Npgsql.NpgsqlCommand("SELECT count(*) FROM rules WHERE enabled = $1", connection);
                    repeated.Parameters.Add(new Npgsql.NpgsqlParameter { Value = true });
                    await repeated.ExecuteScalarAsync();
                }

                await using var prepared = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT count(*) FROM rules WHERE enabled = $1'", connection);
                Assert.Equal(1L, await prepared.ExecuteScalarAsync());
            }

            // A trace document big enough to be compressed is compressed with lz4 (pglz costs several times the CPU).
            await using var db = Npgsql.NpgsqlDataSource.Create(fluodb);
            var spans = string.Join(",", Enumerable.Range(0, 200).Select(i => $$"""{"spanId":"{{i:x16}}","name":"GET /cart/{{i}}","service":"cart"}"""));
            await using (var insert = db.CreateCommand("INSERT INTO traces (trace_id, document, span_count) VALUES ('lz4', $1::json, 200)"))
            {
                insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = $$"""{"traceId":"lz4","spans":[{{spans}}]}""" });
                await insert.ExecuteNonQueryAsync();
            }

            Assert.Equal("lz4", await db.ScalarAsync<string>("SELECT pg_column_compression(document) FROM traces WHERE trace_id = 'lz4'"));
            Assert.Equal(2L, await db.ScalarAsync<long>(
                "SELECT count(*) FROM pg_attribute WHERE attcompression = 'l' AND (attrelid, attname) IN (('traces'::regclass, 'document'), ('outbox'::regclass, 'payload'))"));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Two_backends_migrate_one_database_concurrently_and_share_requests_through_the_queue_group()
    {
        await using var nats = await NatsServer.StartAsync();
        var fluodb = await fixture.Postgres.CreateDatabaseAsync();

        var apps = await Task.WhenAll(StartBackendAsync(nats.Url, fluodb), StartBackendAsync(nats.Url, fluodb));
        try
        {
            await using var client = await BackendFixture.ConnectClientAsync(nats.Url);
            await using (var db = Npgsql.NpgsqlDataSource.Create(fluodb))
            {
                Assert.Equal(FluoDatabase.Migrations.Count, await db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
                await db.RuleAsync("shared");
            }

            var replies = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => client.AskAsync<RuleListRequest, RuleList>(BackendSubjects.RulesList, new RuleListRequest())));
            Assert.All(replies, r => Assert.Equal("shared", Assert.Single(r.Items).Name));

            // Both instances answer discovery; each took a share of the requests.
            var inbox = client.NewInbox();
            await using var sub = await client.SubscribeCoreAsync<string>(inbox);
            await client.PublishAsync($"$SRV.STATS.{BackendSubjects.ServiceName}", replyTo: inbox);
            var served = new List<long>();
            for (var i = 0; i < 2; i++)
            {
                var stats = JsonDocument.Parse((await sub.NextAsync()).Data!).RootElement;
                served.Add(stats.GetProperty("endpoints").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "rules-list").GetProperty("num_requests").GetInt64());
            }

            Assert.Equal(60, served.Sum());
            Assert.All(served, n => Assert.True(n > 0, $"each instance serves some requests: {string.Join("/", served)}"));
        }
        finally
        {
            foreach (var app in apps)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }

        // A restart migrates again: nothing to apply, no error.
        await using var again = await StartBackendAsync(nats.Url, fluodb);
        Assert.Empty(await FluoDatabase.MigrateAsync(again.Services.GetRequiredService<Npgsql.NpgsqlDataSource>()));
    }

    [Fact]
    public async Task A_backend_started_before_PostgreSQL_accepts_its_database_migrates_once_it_does()
    {
        await using var nats = await NatsServer.StartAsync();
        var name = "late_" + Guid.NewGuid().ToString("N")[..8];
        var fluodb = fixture.Postgres.ConnectionStringFor(name);

        var starting = StartBackendAsync(nats.Url, fluodb);
        await Task.Delay(500);
        Assert.False(starting.IsCompleted);
        await fixture.Postgres.CreateDatabaseAsync(name);

        await using var app = await starting;
        await using var client = await BackendFixture.ConnectClientAsync(nats.Url);
        Assert.Empty((await client.AskAsync<RuleListRequest, RuleList>(BackendSubjects.RulesList, new RuleListRequest())).Items);
    }
}
