using Fluo.Nats;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fluo.ServiceDefaults.Nats;

/// <summary>
/// Open is Healthy; (re)connecting is Degraded, and Unhealthy once the outage lasts longer than
/// <see cref="NatsClientSettings.UnhealthyAfter"/>; closed tries to connect and is Unhealthy if that fails.
/// </summary>
internal sealed class NatsHealthCheck(NatsConnection connection, TimeSpan unhealthyAfter, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        switch (connection.ConnectionState)
        {
            case NatsConnectionState.Open:
                return HealthCheckResult.Healthy($"Connected to {connection.ConnectedUrl}.");
            case NatsConnectionState.Connecting:
            case NatsConnectionState.Reconnecting:
                var since = connection.DisconnectedSince;
                if (since is null || time.GetUtcNow() - since < unhealthyAfter)
                {
                    return HealthCheckResult.Degraded("Reconnecting to NATS.");
                }

                return new HealthCheckResult(context.Registration.FailureStatus, $"Disconnected from NATS since {since:O}.");
            default:
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(connection.Opts.ConnectTimeout * 2);
                    await connection.ConnectAsync(timeout.Token).ConfigureAwait(false);
                    return HealthCheckResult.Healthy($"Connected to {connection.ConnectedUrl}.");
                }
                catch (Exception ex) when (ex is NatsException or OperationCanceledException)
                {
                    return new HealthCheckResult(context.Registration.FailureStatus, "Cannot connect to NATS.", ex);
                }
        }
    }
}
