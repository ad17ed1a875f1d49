using Fluo.Hosting.Health;
using Npgsql;

namespace Fluo.Hosting.Tests;

/// <summary>The testing builder runs the real AppHost's Program with isolated state.</summary>
public sealed class TestingBuilderTests
{
    [Fact]
    public async Task The_real_AppHost_starts_with_isolated_state_and_its_resources_are_reachable()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>(cts.Token);
        Assert.Equal(["nats-password", "nats", "postgres-password", "postgres", "fluodb", "web-admin-password", "backend", "worker", "api", "web"], builder.Resources.Select(r => r.Name));
        Assert.StartsWith(Path.GetTempPath(), builder.StateDirectory, StringComparison.Ordinal);
        await using var app = await builder.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);
        await app.WaitForResourceHealthyAsync("nats", cts.Token);
        await app.WaitForResourceHealthyAsync("fluodb", cts.Token);

        await using (var connection = new NpgsqlConnection(await app.GetConnectionStringAsync("fluodb", cts.Token)))
        {
            await connection.OpenAsync(cts.Token);
            await using var command = new NpgsqlCommand("SELECT current_database()", connection);
            Assert.Equal("fluodb", await command.ExecuteScalarAsync(cts.Token));
        }

        var nats = app.GetEndpoint("nats");
        var password = new Uri((await app.GetConnectionStringAsync("nats", cts.Token))!).UserInfo.Split(':')[1];
        Assert.Null(await NatsProbe.ProbeAsync(nats.Host, nats.Port, "nats", password, TimeSpan.FromSeconds(5), cts.Token));
        Assert.True(File.Exists(Path.Combine(builder.StateDirectory, "nats", "nats", "node0", "nats.conf")));
        Assert.NotEmpty(app.GetResourceLogs("postgres"));
        await Assert.ThrowsAsync<DistributedApplicationException>(() => app.WaitForResourceHealthyAsync("nope", cts.Token));

        await builder.DisposeAsync();
        Assert.False(Directory.Exists(builder.StateDirectory));
    }

    [Fact]
    public async Task WithDataDirectory_puts_the_JetStream_store_there()
    {
        await using var builder = DistributedApplicationTestingBuilder.Create();
        var data = Path.Combine(builder.StateDirectory, "elsewhere");
        builder.AddNats("nats").WithJetStream().WithDataDirectory(data);
        await using var app = await builder.BuildAsync();
        await app.StartAsync();
        await app.WaitForResourceHealthyAsync("nats");

        Assert.True(Directory.Exists(Path.Combine(data, "jetstream")));
    }

    [Fact]
    public async Task Generated_parameters_persist_in_the_state_folder_between_runs()
    {
        await using var first = DistributedApplicationTestingBuilder.Create();
        var state = first.StateDirectory;
        var options = new DistributedApplicationOptions { StateDirectory = state, EchoResourceOutput = false, PrintSummary = false, HandleConsoleSignals = false };
        string? password = null;
        for (var run = 0; run < 2; run++)
        {
            var builder = DistributedApplication.CreateBuilder(options);
            builder.AddParameter("secret-thing", "x");
            builder.AddNats("nats").WithJetStream();
            await using var app = builder.Build();
            await app.StartAsync();
            await app.WaitForResourceHealthyAsync("nats");
            var current = new Uri((await app.GetConnectionStringAsync("nats"))!).UserInfo;
            Assert.True(password is null || password == current, "the generated password changed between runs");
            password = current;
        }

        Assert.Contains("nats-password", await File.ReadAllTextAsync(Path.Combine(state, "parameters.json")));
        Assert.True(Directory.Exists(Path.Combine(state, "nats", "nats", "data", "jetstream")));
    }

    [Fact]
    public async Task PostgreSQL_data_persists_between_runs_and_a_changed_password_still_logs_in()
    {
        await using var scratch = DistributedApplicationTestingBuilder.Create();
        var options = new DistributedApplicationOptions
        {
            StateDirectory = scratch.StateDirectory, EchoResourceOutput = false, PrintSummary = false, HandleConsoleSignals = false, FastStorage = true,
        };
        foreach (var (run, password) in new[] { (1, "FirstPassword123"), (2, "SecondPassword456") })
        {
            var builder = DistributedApplication.CreateBuilder(options);
            builder.Configuration["Parameters:pg-password"] = password;
            builder.AddPostgres("pg").AddDatabase("db");
            await using var app = builder.Build();
            await app.StartAsync();
            await app.WaitForResourceHealthyAsync("db");
            var connectionString = (await app.GetConnectionStringAsync("db"))!;
            Assert.Contains($"Password={password};Database=db", connectionString);

            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(run == 1 ? "CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)" : "SELECT n FROM kept", connection);
            var result = await command.ExecuteScalarAsync();
            if (run == 2)
            {
                Assert.Equal(7, result);
            }
        }
    }
}
