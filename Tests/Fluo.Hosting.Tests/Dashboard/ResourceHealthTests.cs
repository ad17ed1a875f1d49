using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Fluo.Hosting.Dashboard;
using Fluo.Hosting.Health;
using Fluo.Hosting.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Fluo.Hosting.Tests.Dashboard;

/// <summary>Health check results, replica start times and dependencies that are down, in /api/resources, the page and the event stream.</summary>
public sealed class ResourceHealthTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    [Fact]
    public async Task The_api_shows_each_check_and_replica_start_times_and_a_failing_health_endpoint_with_its_reason()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var builder = DistributedApplicationTestingBuilder.Create();
        var nats = builder.AddNats("nats");
        builder.AddProject("app", Repo.TestAppProject).WithReplicas(2).WithReference(nats).WaitFor(nats);
        var before = DateTimeOffset.UtcNow;
        await using var app = await builder.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);
        await app.WaitForAllResourcesHealthyAsync(cts.Token);
        using var api = new HttpClient { BaseAddress = app.Services.GetRequiredService<DashboardServer>().Url };

        var healthy = await PollAsync(api, "app", s => s.HealthChecks.Count(c => c.Name == "http /health" && c.Status == HealthStatus.Healthy) == 2, cts.Token);
        Assert.Equal(HealthStatus.Healthy, healthy.Health);
        Assert.Equal([0, 1], healthy.HealthChecks.Where(c => c.Name == "http /health").Select(c => c.Replica!.Value).Order());
        Assert.All(healthy.HealthChecks, c => Assert.InRange(c.LastChecked, before, DateTimeOffset.UtcNow));
        var dependency = Assert.Single(healthy.HealthChecks, c => c.IsDependency);
        Assert.Equal(("dependency nats", HealthStatus.Healthy), (dependency.Name, dependency.Status));
        Assert.All(healthy.Replicas, r => Assert.InRange(r.StartedAt!.Value, before, DateTimeOffset.UtcNow));
        Assert.Equal(0, healthy.RestartCount);

        var natsSnapshot = await PollAsync(api, "nats", s => s.HealthChecks.Any(c => c.Name == "nats"), cts.Token);
        Assert.Equal(HealthStatus.Healthy, Assert.Single(natsSnapshot.HealthChecks).Status);
        Assert.Contains("PONG", natsSnapshot.HealthChecks[0].Description, StringComparison.Ordinal);
        Assert.InRange(natsSnapshot.Replicas[0].StartedAt!.Value, before, DateTimeOffset.UtcNow);

        // The raw JSON carries what the page and other clients read.
        using (var raw = JsonDocument.Parse(await api.GetStringAsync("/api/resources", cts.Token)))
        {
            var appJson = raw.RootElement.EnumerateArray().Single(r => r.GetProperty("name").GetString() == "app");
            Assert.Equal("Healthy", appJson.GetProperty("health").GetString());
            Assert.True(appJson.GetProperty("replicas")[0].TryGetProperty("startedAt", out _));
            Assert.True(appJson.GetProperty("healthChecks")[0].TryGetProperty("lastChecked", out _));
        }

        // Replica 1's health endpoint starts failing: its check says so with the answer, live on the event stream too.
        using var stream = await api.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var events = SseParser.Create(await stream.Content.ReadAsStreamAsync(cts.Token)).EnumerateAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await events.MoveNextAsync());
        (await app.CreateHttpClient("app", 1).PostAsync("/health-switch/Unhealthy", null, cts.Token)).EnsureSuccessStatusCode();
        while (await events.MoveNextAsync())
        {
            if (events.Current.EventType == "resource" && JsonSerializer.Deserialize<ResourceSnapshot>(events.Current.Data, Json) is { Name: "app", Health: HealthStatus.Unhealthy })
            {
                break;
            }
        }

        await events.DisposeAsync();
        var failing = await PollAsync(api, "app", s => s.Health == HealthStatus.Unhealthy, cts.Token);
        var check = Assert.Single(failing.HealthChecks, c => c.Status == HealthStatus.Unhealthy);
        Assert.Equal(("http /health", 1), (check.Name, check.Replica));
        Assert.Contains("answered 503: Unhealthy", check.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, failing.HealthChecks.Single(c => c.Name == "http /health" && c.Replica == 0).Status);
        Assert.Empty(failing.DependenciesDown);

        var page = await api.GetStringAsync("/", cts.Token);
        Assert.Contains("http /health [1]: Unhealthy", page, StringComparison.Ordinal);
        Assert.Contains("answered 503", page, StringComparison.Ordinal);

        // Degraded is 200 with a body that says so; then both are healthy again.
        (await app.CreateHttpClient("app", 0).PostAsync("/health-switch/Degraded", null, cts.Token)).EnsureSuccessStatusCode();
        (await app.CreateHttpClient("app", 1).PostAsync("/health-switch/Healthy", null, cts.Token)).EnsureSuccessStatusCode();
        var degraded = await PollAsync(api, "app", s => s.Health == HealthStatus.Degraded, cts.Token);
        Assert.Equal(0, Assert.Single(degraded.HealthChecks, c => c.Status == HealthStatus.Degraded).Replica);
        (await app.CreateHttpClient("app", 0).PostAsync("/health-switch/Healthy", null, cts.Token)).EnsureSuccessStatusCode();
        await PollAsync(api, "app", s => s.Health == HealthStatus.Healthy, cts.Token);
    }

    [Fact]
    public async Task A_stopped_server_shows_as_a_failing_dependency_of_what_uses_it_until_it_is_started_again()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(100));
        await using var builder = DistributedApplicationTestingBuilder.Create();
        var nats = builder.AddNats("nats");
        var db = builder.AddPostgres("postgres").AddDatabase("appdb");
        builder.AddProject("app", Repo.TestAppProject).WithReference(nats).WithReference(db).WaitFor(nats).WaitFor(db);
        await using var app = await builder.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);
        await app.WaitForAllResourcesHealthyAsync(cts.Token);
        using var api = new HttpClient { BaseAddress = app.Services.GetRequiredService<DashboardServer>().Url };
        var all = await PollAsync(api, "app", s => s.Health == HealthStatus.Healthy && s.HealthChecks.Count == 3, cts.Token);
        Assert.Equal(["dependency appdb", "dependency nats"], all.HealthChecks.Where(c => c.IsDependency).Select(c => c.Name).Order());

        // NATS stopped through the dashboard: the app's row names it, until it is back.
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync("/api/resources/nats/stop", null, cts.Token)).StatusCode);
        var natsDown = await PollAsync(api, "app", s => s.HealthChecks.Any(c => c.Description == "nats is Stopped"), cts.Token);
        Assert.Equal(HealthStatus.Unhealthy, natsDown.Health);
        Assert.Equal(ResourceState.Healthy, natsDown.State);
        Assert.Equal(HealthStatus.Unhealthy, natsDown.HealthChecks.Single(c => c.Name == "dependency nats").Status);
        Assert.Contains("nats", natsDown.DependenciesDown);
        var stoppedNats = await PollAsync(api, "nats", s => s.Health == HealthStatus.Unhealthy, cts.Token);
        Assert.Equal("not running (Stopped)", Assert.Single(stoppedNats.HealthChecks).Description);
        Assert.Contains("dependency down: nats", await api.GetStringAsync("/", cts.Token), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync("/api/resources/nats/start", null, cts.Token)).StatusCode);
        await PollAsync(api, "app", s => s.Health == HealthStatus.Healthy && s.DependenciesDown.Count == 0, cts.Token);
        Assert.DoesNotContain("dependency down", await api.GetStringAsync("/", cts.Token), StringComparison.Ordinal);

        // PostgreSQL stopped: its database fails (own probe and dependency), and the app says its database is down and why.
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync("/api/resources/postgres/stop", null, cts.Token)).StatusCode);
        var dbDown = await PollAsync(api, "appdb", s => s.HealthChecks.Any(c => c.Name == "database" && c.Status == HealthStatus.Unhealthy), cts.Token);
        Assert.Equal(["postgres"], dbDown.DependenciesDown);
        var appDown = await PollAsync(api, "app", s => s.DependenciesDown.Contains("appdb"), cts.Token);
        Assert.StartsWith("appdb: database failed: ", appDown.HealthChecks.Single(c => c.Name == "dependency appdb").Description, StringComparison.Ordinal);
        Assert.Equal(["appdb"], appDown.DependenciesDown);

        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync("/api/resources/postgres/start", null, cts.Token)).StatusCode);
        await PollAsync(api, "app", s => s.Health == HealthStatus.Healthy, cts.Token);
        Assert.Equal(HealthStatus.Healthy, (await PollAsync(api, "appdb", s => s.Health == HealthStatus.Healthy, cts.Token)).Health);
    }

    [Fact]
    public async Task PostgreSQL_is_probed_over_one_kept_connection_per_resource_which_logs_in_again_after_a_restart()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(100));
        await using var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddPostgres("postgres").AddDatabase("appdb");
        await using var app = await builder.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);
        await app.WaitForAllResourcesHealthyAsync(cts.Token);
        using var api = new HttpClient { BaseAddress = app.Services.GetRequiredService<DashboardServer>().Url };
        var server = (await app.GetConnectionStringAsync("postgres", cts.Token))!;

        // Between probes the server keeps one idle session per probed resource, and later rounds (1 s apart here) reuse it.
        var first = await ProbeSessionsAsync(server, 2, cts.Token);
        Assert.Equal(["appdb", "postgres"], first.Select(s => s.Database).Order());
        var checkedBefore = (await GetAsync(api, "appdb", cts.Token)).HealthChecks.Single(c => c.Name == "database").LastChecked;
        var later = await PollAsync(api, "appdb", s => s.HealthChecks.Single(c => c.Name == "database").LastChecked > checkedBefore.AddSeconds(2), cts.Token);
        Assert.Equal(HealthStatus.Healthy, later.Health);
        Assert.Equal(first, await ProbeSessionsAsync(server, 2, cts.Token));

        // A restart closes those sessions: the next probes log in anew and report healthy, not the broken connection.
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync("/api/resources/postgres/stop", null, cts.Token)).StatusCode);
        await PollAsync(api, "postgres", s => s.State == ResourceState.Stopped, cts.Token);
        var restartedAt = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync("/api/resources/postgres/start", null, cts.Token)).StatusCode);
        foreach (var name in new[] { "postgres", "appdb" })
        {
            var snapshot = await PollAsync(api, name, s => s.HealthChecks.Any(c => !c.IsDependency && c.LastChecked > restartedAt.AddSeconds(2)), cts.Token);
            Assert.All(snapshot.HealthChecks.Where(c => !c.IsDependency), c => Assert.Equal(HealthStatus.Healthy, c.Status));
        }

        var renewed = await ProbeSessionsAsync(server, 2, cts.Token);
        Assert.Equal(["appdb", "postgres"], renewed.Select(s => s.Database).Order());
        Assert.Empty(renewed.Intersect(first));
    }

    // The probe's sessions, once there are as many as expected (a probe may be between its query and returning the connection).
    private static async Task<List<(string Database, int Pid, DateTime Started)>> ProbeSessionsAsync(string connectionString, int expected, CancellationToken cancellationToken)
    {
        while (true)
        {
            var sessions = new List<(string, int, DateTime)>();
            await using (var connection = new NpgsqlConnection(connectionString + ";Pooling=false"))
            {
                await connection.OpenAsync(cancellationToken);
                await using var query = new NpgsqlCommand("SELECT datname, pid, backend_start FROM pg_stat_activity WHERE application_name = @name ORDER BY datname", connection);
                query.Parameters.AddWithValue("name", PostgresProbe.ApplicationName);
                await using var reader = await query.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    sessions.Add((reader.GetString(0), reader.GetInt32(1), reader.GetDateTime(2)));
                }
            }

            if (sessions.Count == expected)
            {
                return sessions;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<ResourceSnapshot> GetAsync(HttpClient api, string name, CancellationToken cancellationToken) =>
        (await api.GetFromJsonAsync<ResourceSnapshot>($"/api/resources/{name}", Json, cancellationToken))!;

    private static async Task<ResourceSnapshot> PollAsync(HttpClient api, string name, Func<ResourceSnapshot, bool> until, CancellationToken cancellationToken)
    {
        ResourceSnapshot? last = null;
        try
        {
            while (true)
            {
                last = await GetAsync(api, name, cancellationToken);
                if (until(last))
                {
                    return last;
                }

                await Task.Delay(100, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"'{name}' never got there; last: {JsonSerializer.Serialize(last, Json)}");
        }
    }
}
