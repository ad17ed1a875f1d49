using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Fluo.Hosting.Health;
using Fluo.Hosting.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Fluo.Hosting.Tests;

/// <summary>The app model with real servers and the test project, started through the testing builder.</summary>
public sealed class AppModelTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Nats_postgres_and_project_become_healthy_and_the_project_sees_aspire_environment()
    {
        await using var builder = DistributedApplicationTestingBuilder.Create();
        var nats = builder.AddNats("nats").WithJetStream().WithEnvironment("GOMAXPROCS", "1");
        var db = builder.AddPostgres("pg").AddDatabase("db", "appdb");
        var secret = builder.AddParameter("apikey", "s3cret", secret: true);
        builder.AddProject("app", Repo.TestAppProject)
            .WithReference(nats).WithReference(db).WaitFor(nats).WaitFor(db)
            .WithEnvironment("CUSTOM", "value").WithEnvironment("API_KEY", secret);
        await using var app = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(Timeout);
        await app.StartAsync(cts.Token);
        await app.WaitForAllResourcesHealthyAsync(cts.Token);

        var natsCs = await app.GetConnectionStringAsync("nats");
        var dbCs = await app.GetConnectionStringAsync("db");
        Assert.Matches(@"^nats://nats:[A-Za-z0-9]{22}@localhost:\d+$", natsCs);
        Assert.Matches(@"^Host=localhost;Port=\d+;Username=postgres;Password=[A-Za-z0-9]{22};Database=appdb$", dbCs);

        using var http = app.CreateHttpClient("app");
        var env = (await http.GetFromJsonAsync<Dictionary<string, string?>>("/env", cts.Token))!;
        Assert.Equal(natsCs, env["ConnectionStrings__nats"]);
        Assert.Equal(dbCs, env["ConnectionStrings__db"]);
        Assert.Equal(app.GetEndpoint("app").ToString().TrimEnd('/'), env["ASPNETCORE_URLS"]);
        Assert.Equal("app", env["OTEL_SERVICE_NAME"]);
        Assert.Matches("^service.instance.id=app-[a-z0-9]{8}$", env["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal("Development", env["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal("Development", env["DOTNET_ENVIRONMENT"]);
        Assert.Equal("1000", env["OTEL_BSP_SCHEDULE_DELAY"]);
        Assert.Equal("always_on", env["OTEL_TRACES_SAMPLER"]);
        Assert.Equal("in_memory", env["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"]);
        Assert.Equal("value", env["CUSTOM"]);
        Assert.Equal("s3cret", env["API_KEY"]);
        // No external dashboard is configured, so projects export to the AppHost's own receiver.
        var dashboard = app.Services.GetRequiredService<Fluo.Hosting.Dashboard.DashboardServer>();
        Assert.Equal(dashboard.OtlpHttpUrl!.ToString().TrimEnd('/'), env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("http/protobuf", env["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        using var dashboardApi = new HttpClient { BaseAddress = dashboard.Url };
        var resources = await dashboardApi.GetFromJsonAsync<List<Dictionary<string, object?>>>("/api/resources", cts.Token);
        Assert.Subset(resources!.Select(r => r["name"]!.ToString()!).ToHashSet(), new HashSet<string> { "app", "db", "nats" });
        Assert.Equal("Healthy", resources!.Single(r => r["name"]!.ToString() == "app")["state"]!.ToString());

        // From inside the project: configuration binds the Aspire names, and the database is reachable.
        Assert.Equal(natsCs, await http.GetStringAsync("/config/ConnectionStrings/nats", cts.Token));
        Assert.Equal("appdb", await http.GetStringAsync("/db/db", cts.Token));

        var natsUri = new Uri(natsCs!);
        var password = natsUri.UserInfo.Split(':')[1];
        Assert.Null(await NatsProbe.ProbeAsync("localhost", natsUri.Port, "nats", password, TimeSpan.FromSeconds(5), cts.Token));
        Assert.Contains("Authorization Violation", await NatsProbe.ProbeAsync("localhost", natsUri.Port, "nats", "wrong", TimeSpan.FromSeconds(5), cts.Token));

        var snapshot = app.ResourceNotifications.TryGet("app")!;
        var pid = Assert.Single(snapshot.Replicas).ProcessId!.Value;
        Assert.Equal(pid, await http.GetFromJsonAsync<int>("/pid", cts.Token));
        Assert.Contains(app.GetResourceLogs("nats"), l => l.Text.Contains("Server is ready", StringComparison.Ordinal));

        // The server's process gets the environment the model gives it, on top of the AppHost's own.
        var natsPid = Assert.Single(app.ResourceNotifications.TryGet("nats")!.Replicas).ProcessId!.Value;
        var natsEnv = (await File.ReadAllTextAsync($"/proc/{natsPid}/environ", cts.Token)).Split('\0');
        Assert.Contains("GOMAXPROCS=1", natsEnv);
        Assert.Contains(natsEnv, e => e.StartsWith("PATH=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Replicas_get_their_own_ports_and_instance_ids_and_referencing_projects_get_every_url()
    {
        await using var builder = DistributedApplicationTestingBuilder.Create();
        builder.Configuration["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = "http://localhost:18889";
        var api = builder.AddProject("api", Repo.TestAppProject).WithReplicas(2);
        builder.AddProject("web", Repo.TestAppProject).WithReference(api).WaitFor(api);
        await using var app = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(Timeout);
        await app.StartAsync(cts.Token);
        await app.WaitForAllResourcesHealthyAsync(cts.Token);

        var replicaEnvs = new List<Dictionary<string, string?>>();
        for (var i = 0; i < 2; i++)
        {
            using var http = app.CreateHttpClient("api", i);
            replicaEnvs.Add((await http.GetFromJsonAsync<Dictionary<string, string?>>("/env", cts.Token))!);
        }

        Assert.NotEqual(replicaEnvs[0]["ASPNETCORE_URLS"], replicaEnvs[1]["ASPNETCORE_URLS"]);
        Assert.NotEqual(replicaEnvs[0]["OTEL_RESOURCE_ATTRIBUTES"], replicaEnvs[1]["OTEL_RESOURCE_ATTRIBUTES"]);
        var pids = app.ResourceNotifications.TryGet("api")!.Replicas.Select(r => r.ProcessId).ToList();
        Assert.Equal(2, pids.Distinct().Count());

        using var web = app.CreateHttpClient("web");
        var webEnv = (await web.GetFromJsonAsync<Dictionary<string, string?>>("/env", cts.Token))!;
        Assert.Equal(replicaEnvs[0]["ASPNETCORE_URLS"], webEnv["services__api__http__0"]);
        Assert.Equal(replicaEnvs[1]["ASPNETCORE_URLS"], webEnv["services__api__http__1"]);
        Assert.Equal("http://localhost:18889", webEnv["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("grpc", webEnv["OTEL_EXPORTER_OTLP_PROTOCOL"]);
    }

    [Fact]
    public async Task A_crashing_project_is_restarted_on_its_port_and_the_crash_is_visible()
    {
        await using var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddProject("app", Repo.TestAppProject);
        await using var app = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(Timeout);
        await app.StartAsync(cts.Token);
        var before = await app.WaitForResourceHealthyAsync("app", cts.Token);
        var firstPid = before.Replicas[0].ProcessId;

        using var http = app.CreateHttpClient("app");
        using var crash = await http.PostAsync(new Uri("/crash", UriKind.Relative), null, cts.Token);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        wait.CancelAfter(TimeSpan.FromSeconds(20));
        ResourceSnapshot restarted;
        try
        {
            restarted = await app.ResourceNotifications.WaitForResourceAsync("app", s => s.RestartCount == 1 && s.IsHealthy, wait.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"not restarted: {app.ResourceNotifications.TryGet("app")} {string.Join(", ", app.ResourceNotifications.TryGet("app")!.Replicas)}\n{string.Join("\n", app.GetResourceLogs("app").Select(l => l.Text))}");
            throw;
        }

        Assert.NotEqual(firstPid, restarted.Replicas[0].ProcessId);
        Assert.Equal(42, restarted.Replicas[0].LastExitCode);
        Assert.False(ProcessTree.IsAlive(firstPid!.Value));
        Assert.Equal(restarted.Replicas[0].ProcessId, await http.GetFromJsonAsync<int>("/pid", cts.Token));
        Assert.Contains(app.GetResourceLogs("app"), l => l.IsError && Regex.IsMatch(l.Text, @"exited with code 42; restart 1"));
    }

    [Fact]
    public async Task A_nats_cluster_of_three_hands_every_url_to_clients_and_each_node_answers()
    {
        await using var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddNats("nats").WithJetStream().WithClusterSize(3);
        await using var app = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(Timeout);
        await app.StartAsync(cts.Token);
        var snapshot = await app.WaitForResourceHealthyAsync("nats", cts.Token);

        var urls = (await app.GetConnectionStringAsync("nats"))!.Split(',');
        Assert.Equal(3, urls.Length);
        Assert.Equal(3, snapshot.Replicas.Select(r => r.ProcessId).Distinct().Count());
        foreach (var url in urls.Select(u => new Uri(u)))
        {
            Assert.Null(await NatsProbe.ProbeAsync("localhost", url.Port, "nats", url.UserInfo.Split(':')[1], TimeSpan.FromSeconds(5), cts.Token));
        }
    }

    [Fact]
    public async Task Stopping_stops_every_process_and_disposing_removes_the_state()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddNats("nats");
        builder.AddPostgres("pg");
        builder.AddProject("app", Repo.TestAppProject);
        var app = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(Timeout);
        await app.StartAsync(cts.Token);
        await app.WaitForAllResourcesHealthyAsync(cts.Token);
        var pids = app.ResourceNotifications.Snapshots.SelectMany(s => s.Replicas).Select(r => r.ProcessId!.Value).ToList();
        Assert.Equal(3, pids.Count);

        await app.StopAsync(cts.Token);
        Assert.Empty(await ProcessTree.WaitAllDeadAsync(pids, TimeSpan.FromSeconds(5)));
        Assert.All(app.ResourceNotifications.Snapshots, s => Assert.Equal(ResourceState.Stopped, s.State));

        await builder.DisposeAsync();
        Assert.False(Directory.Exists(builder.StateDirectory));
    }
}
