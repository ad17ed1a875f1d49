using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fluo.Hosting.Dashboard;
using Fluo.Hosting.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Fluo.Hosting.Tests.Dashboard;

/// <summary>Stop / start / restart through the dashboard's API, seen in /api/resources and in the processes.</summary>
public sealed class ResourceActionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Stop_start_and_restart_a_project_and_its_replicas_through_the_api()
    {
        await using var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddParameter("some-setting", "x");
        builder.AddProject("app", Repo.TestAppProject).WithReplicas(2);
        await using var app = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(Timeout);
        await app.StartAsync(cts.Token);
        await app.WaitForAllResourcesHealthyAsync(cts.Token);
        var states = new ConcurrentQueue<ResourceState>();
        app.ResourceNotifications.Changed += (_, s) =>
        {
            if (s.Name == "app")
            {
                states.Enqueue(s.State);
            }
        };
        using var api = new HttpClient { BaseAddress = app.Services.GetRequiredService<DashboardServer>().Url };
        var firstPids = (await GetAsync(api, "app", cts.Token)).Replicas.Select(r => r.ProcessId!.Value).ToList();

        // One replica only: the other keeps serving and the resource stays healthy.
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync("/api/resources/app/stop?replica=1", null, cts.Token)).StatusCode);
        var oneStopped = await PollAsync(api, "app", s => s.Replicas[1].State == ResourceState.Stopped, cts.Token);
        Assert.Equal((ResourceState.Healthy, ResourceState.Healthy, (int?)null), (oneStopped.State, oneStopped.Replicas[0].State, oneStopped.Replicas[1].ProcessId));
        Assert.Empty(await ProcessTree.WaitAllDeadAsync([firstPids[1]], TimeSpan.FromSeconds(5)));
        Assert.Equal(firstPids[0], await app.CreateHttpClient("app", 0).GetFromJsonAsync<int>("/pid", cts.Token));

        // The whole resource: Stopping, then Stopped with no process left.
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync("/api/resources/app/stop", null, cts.Token)).StatusCode);
        var stopped = await PollAsync(api, "app", s => s.State == ResourceState.Stopped, cts.Token);
        Assert.All(stopped.Replicas, r => Assert.Equal((ResourceState.Stopped, (int?)null), (r.State, r.ProcessId)));
        Assert.Empty(await ProcessTree.WaitAllDeadAsync(firstPids, TimeSpan.FromSeconds(5)));
        Assert.Contains(ResourceState.Stopping, states);
        await Assert.ThrowsAsync<HttpRequestException>(() => app.CreateHttpClient("app", 0).GetStringAsync("/pid", cts.Token));

        // Start brings both back on their ports, as new processes; a start is not a restart.
        states.Clear();
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync("/api/resources/app/start", null, cts.Token)).StatusCode);
        var started = await PollAsync(api, "app", s => s.State == ResourceState.Healthy, cts.Token);
        Assert.Equal(0, started.RestartCount);
        Assert.Contains(ResourceState.Starting, states);
        for (var i = 0; i < 2; i++)
        {
            var pid = await app.CreateHttpClient("app", i).GetFromJsonAsync<int>("/pid", cts.Token);
            Assert.Equal(started.Replicas[i].ProcessId, pid);
            Assert.DoesNotContain(pid, firstPids);
        }

        // Restart: new processes, the count goes up once per replica.
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync("/api/resources/app/restart", null, cts.Token)).StatusCode);
        var restarted = await PollAsync(api, "app", s => s.State == ResourceState.Healthy && s.RestartCount == 2, cts.Token);
        Assert.DoesNotContain(restarted.Replicas[0].ProcessId, started.Replicas.Select(r => r.ProcessId));
        Assert.Contains("/api/resources/app", (await api.PostAsync("/api/resources/app/restart?replica=0", null, cts.Token)).Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(3, (await PollAsync(api, "app", s => s.State == ResourceState.Healthy && s.RestartCount == 3, cts.Token)).RestartCount);
    }

    [Fact]
    public async Task Bad_actions_are_refused_with_problem_details_and_cross_site_posts_with_403()
    {
        await using var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddParameter("some-setting", "x");
        builder.AddNats("nats");
        await using var app = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(Timeout);
        await app.StartAsync(cts.Token);
        await app.WaitForAllResourcesHealthyAsync(cts.Token);
        using var api = new HttpClient { BaseAddress = app.Services.GetRequiredService<DashboardServer>().Url };

        using var unknown = await api.PostAsync("/api/resources/nope/stop", null, cts.Token);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType!.MediaType);
        Assert.Contains("nope", await unknown.Content.ReadAsStringAsync(cts.Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await api.PostAsync("/api/resources/some-setting/restart", null, cts.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsync("/api/resources/nats/stop?replica=5", null, cts.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync("/api/resources/nats/explode", null, cts.Token)).StatusCode);

        foreach (var (header, value) in new[] { ("Origin", "http://evil.example"), ("Sec-Fetch-Site", "cross-site"), ("Host", $"attacker.example:{api.BaseAddress!.Port}") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/resources/nats/stop");
            request.Headers.TryAddWithoutValidation(header, value);
            using var refused = await api.SendAsync(request, cts.Token);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        Assert.Equal(ResourceState.Healthy, (await GetAsync(api, "nats", cts.Token)).State);

        // A server stops and starts as a whole; the same origin is allowed.
        using var sameOrigin = new HttpRequestMessage(HttpMethod.Post, "/api/resources/nats/restart");
        sameOrigin.Headers.TryAddWithoutValidation("Origin", api.BaseAddress!.GetLeftPart(UriPartial.Authority));
        sameOrigin.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
        Assert.Equal(HttpStatusCode.Accepted, (await api.SendAsync(sameOrigin, cts.Token)).StatusCode);
        var restarted = await PollAsync(api, "nats", s => s.State == ResourceState.Healthy && s.RestartCount == 1, cts.Token);
        Assert.Null(restarted.Error);
        Assert.NotNull(restarted.Replicas[0].ProcessId);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private static async Task<ResourceSnapshot> GetAsync(HttpClient api, string name, CancellationToken cancellationToken) =>
        (await api.GetFromJsonAsync<ResourceSnapshot>($"/api/resources/{name}", Json, cancellationToken))!;

    private static async Task<ResourceSnapshot> PollAsync(HttpClient api, string name, Func<ResourceSnapshot, bool> until, CancellationToken cancellationToken)
    {
        while (true)
        {
            var snapshot = await GetAsync(api, name, cancellationToken);
            if (until(snapshot))
            {
                return snapshot;
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}
