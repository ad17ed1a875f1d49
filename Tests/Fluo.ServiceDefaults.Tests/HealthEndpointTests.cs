using Fluo.Testing.Postgres;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Fluo.ServiceDefaults.Tests;

public class HealthEndpointTests
{
    [Fact]
    public async Task Alive_and_health_answer_healthy_as_plain_text()
    {
        await using var app = await TestWebApp.StartAsync(b => b.AddServiceDefaults(), a => a.MapDefaultEndpoints());
        using var client = app.CreateClient();

        foreach (var path in new[] { "/alive", "/health" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Health_turns_503_while_postgres_is_down_and_alive_stays_200()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var app = await TestWebApp.StartAsync(
            b =>
            {
                b.Configuration["ConnectionStrings:fluodb"] = postgres.ConnectionString + ";Timeout=2";
                b.AddServiceDefaults();
                b.AddNpgsqlDataSource("fluodb");
            },
            a => a.MapDefaultEndpoints());
        using var client = app.CreateClient();
        Assert.Equal("Healthy", await client.GetStringAsync("/health"));

        await postgres.StopAsync();
        using (var down = await client.GetAsync("/health"))
        {
            Assert.Equal(503, (int)down.StatusCode);
            Assert.Equal("Unhealthy", await down.Content.ReadAsStringAsync());
        }

        Assert.Equal("Healthy", await client.GetStringAsync("/alive"));

        await postgres.StartAgainAsync();
        NpgsqlConnection.ClearAllPools();
        Assert.Equal("Healthy", await client.GetStringAsync("/health"));
    }
}
