using Fluo.Testing.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Fluo.ServiceDefaults.Tests;

public class NpgsqlIntegrationTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public void Missing_connection_string_fails_with_Aspires_wording()
    {
        var builder = Host.CreateApplicationBuilder();

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddNpgsqlDataSource("fluodb"));

        Assert.Equal(
            "ConnectionString is missing. It should be provided in 'ConnectionStrings:fluodb' or under the 'ConnectionString' key in 'Aspire:Npgsql' configuration section.",
            error.Message);
    }

    [Fact]
    public async Task Registers_a_data_source_and_a_PostgreSql_health_check_from_ConnectionStrings()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:fluodb"] = postgres.ConnectionString;
        builder.AddNpgsqlDataSource("fluodb");
        using var host = builder.Build();

        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        await using var command = dataSource.CreateCommand("SELECT current_database()");
        Assert.Equal(new NpgsqlConnectionStringBuilder(postgres.ConnectionString).Database, await command.ExecuteScalarAsync());

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Entries["PostgreSql"].Status);
    }

    [Fact]
    public void Settings_section_can_turn_the_health_check_off_and_keyed_registration_uses_the_name()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Aspire:Npgsql:ConnectionString"] = postgres.ConnectionString;
        builder.Configuration["Aspire:Npgsql:reports:DisableHealthChecks"] = "true";
        builder.AddKeyedNpgsqlDataSource("reports");
        builder.AddKeyedNpgsqlDataSource("audit");
        using var host = builder.Build();

        Assert.NotNull(host.Services.GetRequiredKeyedService<NpgsqlDataSource>("reports"));
        var checks = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value.Registrations.Select(r => r.Name);
        Assert.Contains("PostgreSql_audit", checks);
        Assert.DoesNotContain("PostgreSql_reports", checks);
    }
}
