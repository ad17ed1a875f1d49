using Fluo.Hosting.Logs;
using Fluo.Hosting.Orchestration;

namespace Fluo.Hosting.Testing;

/// <summary>What a test does with a started application: wait for health, get endpoints, connection strings, clients and logs.</summary>
public static class DistributedApplicationTestingExtensions
{
    /// <summary>Waits until <paramref name="resourceName"/> is healthy; throws when it failed to start.</summary>
    public static Task<ResourceSnapshot> WaitForResourceHealthyAsync(this DistributedApplication app, string resourceName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.ResourceNotifications.WaitForResourceHealthyAsync(resourceName, cancellationToken);
    }

    /// <summary>Waits until every resource is healthy.</summary>
    public static Task WaitForAllResourcesHealthyAsync(this DistributedApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        return Task.WhenAll(app.Model.Resources.Select(r => app.ResourceNotifications.WaitForResourceHealthyAsync(r.Name, cancellationToken)));
    }

    /// <summary>The connection string <paramref name="resourceName"/> hands to projects (<c>ConnectionStrings__&lt;name&gt;</c>).</summary>
    public static ValueTask<string?> GetConnectionStringAsync(this DistributedApplication app, string resourceName, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Snapshot(app, resourceName).ConnectionString);
    }

    /// <summary>The endpoint of <paramref name="resourceName"/> (the first replica's or node's; <paramref name="replica"/> picks another).</summary>
    public static Uri GetEndpoint(this DistributedApplication app, string resourceName, int replica = 0)
    {
        var snapshot = Snapshot(app, resourceName);
        return snapshot.Urls.Count > replica
            ? new Uri(snapshot.Urls[replica])
            : throw new ArgumentOutOfRangeException(nameof(replica), $"Resource '{resourceName}' has {snapshot.Urls.Count} endpoint(s).");
    }

    /// <summary>An <see cref="HttpClient"/> whose base address is the resource's HTTP endpoint.</summary>
    public static HttpClient CreateHttpClient(this DistributedApplication app, string resourceName, int replica = 0) =>
        new() { BaseAddress = app.GetEndpoint(resourceName, replica), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The captured console output of <paramref name="resourceName"/>.</summary>
    public static IReadOnlyList<ResourceLogLine> GetResourceLogs(this DistributedApplication app, string resourceName)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.ResourceLogs.GetLogs(resourceName);
    }

    private static ResourceSnapshot Snapshot(DistributedApplication app, string resourceName)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.ResourceNotifications.TryGet(resourceName)
            ?? throw new InvalidOperationException(app.Model.Find(resourceName) is null
                ? $"Unknown resource '{resourceName}'."
                : $"Resource '{resourceName}' is not started; call StartAsync first.");
    }
}
