using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fluo.ServiceDefaults.Health;

/// <summary>
/// Where consume loops report that the server is still talking to them (a message, an idle heartbeat, a pull
/// answered). A loop that has been silent longer than its window is the silent stall from the nats.net issues:
/// the <c>consumers</c> health check turns Unhealthy and names it.
/// </summary>
public sealed class ConsumerLiveness(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _consumers = new(StringComparer.Ordinal);

    /// <summary>Starts watching <paramref name="consumer"/>: it must call <see cref="Beat"/> at least every <paramref name="window"/>.</summary>
    public void Register(string consumer, TimeSpan window)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _consumers[consumer] = new Entry(window, time.GetUtcNow());
    }

    /// <summary>Records that <paramref name="consumer"/> heard from the server now.</summary>
    public void Beat(string consumer)
    {
        if (_consumers.TryGetValue(consumer, out var entry))
        {
            entry.Last = time.GetUtcNow();
        }
    }

    /// <summary>Stops watching <paramref name="consumer"/> (the loop ended on purpose).</summary>
    public void Unregister(string consumer) => _consumers.TryRemove(consumer, out _);

    /// <summary>Consumers silent for longer than their window, with how long.</summary>
    public IReadOnlyList<(string Consumer, TimeSpan Silent)> Stalled()
    {
        var now = time.GetUtcNow();
        return _consumers
            .Select(c => (c.Key, Silent: now - c.Value.Last, c.Value.Window))
            .Where(c => c.Silent > c.Window)
            .Select(c => (c.Key, c.Silent))
            .ToList();
    }

    private sealed class Entry(TimeSpan window, DateTimeOffset last)
    {
        public TimeSpan Window { get; } = window;

        public DateTimeOffset Last { get; set; } = last;
    }
}

/// <summary>Unhealthy while any registered consume loop is stalled.</summary>
internal sealed class ConsumerLivenessHealthCheck(ConsumerLiveness liveness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stalled = liveness.Stalled();
        return Task.FromResult(stalled.Count == 0
            ? HealthCheckResult.Healthy("Every consumer heard from the server within its heartbeat window.")
            : new HealthCheckResult(context.Registration.FailureStatus,
                "Stalled consumers: " + string.Join(", ", stalled.Select(s => $"{s.Consumer} (silent {s.Silent.TotalSeconds:0}s)"))));
    }
}
