using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fluo.Backend.Hosting;

/// <summary>Completes once the database is migrated and every endpoint of the micro service is subscribed.</summary>
internal sealed class BackendReady
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether the service is answering.</summary>
    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>Waits until the service answers.</summary>
    public Task WaitAsync(CancellationToken cancellationToken = default) => _ready.Task.WaitAsync(cancellationToken);

    /// <summary>Marks the service as answering.</summary>
    public void SetReady() => _ready.TrySetResult();
}

/// <summary>Unhealthy until the endpoints are up, so an orchestrator's <c>WaitFor</c> waits for a serving backend.</summary>
internal sealed class BackendReadyHealthCheck(BackendReady ready) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(ready.IsReady
            ? HealthCheckResult.Healthy("Serving fluo-backend.")
            : new HealthCheckResult(context.Registration.FailureStatus, "Migrating the database or subscribing the endpoints."));
}
