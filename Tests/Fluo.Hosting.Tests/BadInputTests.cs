using System.Net;
using System.Net.Sockets;
using Fluo.Hosting.Tests.Support;

namespace Fluo.Hosting.Tests;

/// <summary>Wrong models and environments fail at start with a message naming the resource; nothing is started.</summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task A_reference_to_a_resource_of_another_application_names_both()
    {
        await using var other = DistributedApplicationTestingBuilder.Create();
        var foreign = other.AddNats("nats");
        await using var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddProject("app", Repo.TestAppProject).WithReference(foreign);
        await using var app = await builder.BuildAsync();

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync());
        Assert.Contains("Resource 'app': WithReference 'nats', which is not a resource of this application", error.Message);
        Assert.Empty(app.ResourceNotifications.Snapshots);
    }

    [Fact]
    public async Task A_WaitFor_cycle_is_named()
    {
        await using var builder = DistributedApplicationTestingBuilder.Create();
        var a = builder.AddProject("a", Repo.TestAppProject);
        var b = builder.AddProject("b", Repo.TestAppProject).WaitFor(a);
        var c = builder.AddProject("c", Repo.TestAppProject).WaitFor(b);
        a.WaitFor(c);
        await using var app = await builder.BuildAsync();

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync());
        Assert.Contains("WaitFor cycle: 'a' -> 'c' -> 'b' -> 'a'", error.Message);
    }

    [Fact]
    public async Task A_missing_server_binary_names_the_resource_and_the_package()
    {
        await using var builder = DistributedApplicationTestingBuilder.Create();
        builder.Configuration["FLUO_NATS_SERVER"] = "/nonexistent/nats-server";
        builder.AddNats("events");
        await using var app = await builder.BuildAsync();

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync());
        Assert.Contains("Resource 'events': FLUO_NATS_SERVER points at '/nonexistent/nats-server'", error.Message);
        Assert.Contains("apt-get install nats-server", error.Message);
    }

    [Fact]
    public async Task A_missing_project_file_names_the_resource()
    {
        await using var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddProject("api", "/nonexistent/Api.csproj");
        await using var app = await builder.BuildAsync();

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync());
        Assert.Contains("Resource 'api': project file '/nonexistent/Api.csproj' does not exist.", error.Message);
    }

    [Fact]
    public async Task A_fixed_port_in_use_names_the_resource_and_the_port()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var state = Repo.TempDirectory("hosting-port");
        try
        {
            // Not the testing builder: it takes free ports instead of fixed ones.
            var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
            {
                StateDirectory = state, EchoResourceOutput = false, PrintSummary = false, HandleConsoleSignals = false,
            });
            builder.AddNats("nats", port);
            await using var app = builder.Build();

            var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync());
            Assert.Equal($"Resource 'nats': port {port} is already in use; stop what listens there or choose another port.", error.Message);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Fact]
    public async Task A_parameter_without_a_value_is_named()
    {
        await using var builder = DistributedApplicationTestingBuilder.Create();
        var key = builder.AddParameter("apikey", secret: true);
        builder.AddProject("app", Repo.TestAppProject).WithEnvironment("API_KEY", key);
        await using var app = await builder.BuildAsync();

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync());
        Assert.Contains("Parameter 'apikey' has no value: set configuration 'Parameters:apikey'", error.Message);
    }

    [Fact]
    public async Task A_server_that_dies_at_start_fails_it_and_what_waits_for_it_with_clear_errors()
    {
        await using var builder = DistributedApplicationTestingBuilder.Create();
        builder.Configuration["FLUO_NATS_SERVER"] = "/bin/false";
        var nats = builder.AddNats("nats");
        builder.AddProject("app", Repo.TestAppProject).WithReference(nats).WaitFor(nats);
        await using var app = await builder.BuildAsync();
        await app.StartAsync();

        var natsError = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.WaitForResourceHealthyAsync("nats"));
        Assert.StartsWith("Resource 'nats' failed to start: nats-server", natsError.Message);
        Assert.True(natsError.Message.Contains("exited during start-up with code 1", StringComparison.Ordinal), natsError.Message);
        var appError = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.WaitForResourceHealthyAsync("app"));
        Assert.Contains("Resource 'app' failed to start: it waits for 'nats', which failed to start.", appError.Message);
        Assert.All(app.ResourceNotifications.TryGet("app")!.Replicas, r => Assert.Null(r.ProcessId));
    }

    [Fact]
    public async Task Duplicate_and_invalid_names_are_rejected_when_added()
    {
        await using var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddNats("nats");
        Assert.Contains("a resource with that name already exists", Assert.Throws<DistributedApplicationException>(() => builder.AddPostgres("NATS")).Message);
        Assert.Throws<ArgumentException>(() => builder.AddProject("bad name", Repo.TestAppProject));
    }
}
