using System.Diagnostics;
using System.Collections.Concurrent;

namespace Fluo.Web.Live;

/// <summary>The connected WebSockets of this replica: per-user connection slots and the fan-out of live events.</summary>
public sealed class LiveHub : IDisposable
{
    private readonly LiveMetrics _metrics;
    private readonly ConcurrentDictionary<LiveConnection, byte> _connections = new();
    private readonly Dictionary<string, int> _perUser = new(StringComparer.Ordinal);
    private long _metricsSeq;

    private readonly LiveSendScheduler _sends;

    /// <summary>Creates the hub and has <paramref name="metrics"/> observe its connections.</summary>
    public LiveHub(LiveMetrics metrics, Microsoft.Extensions.Options.IOptions<WebOptions> options)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(options);
        _metrics = metrics;
        _sends = new LiveSendScheduler(options.Value.SendCoalescing);
        metrics.Observe(this);
    }

    /// <inheritdoc />
    public void Dispose() => _sends.Dispose();

    /// <summary>The gateway's instruments.</summary>
    internal LiveMetrics Metrics => _metrics;

    /// <summary>Connections open now.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Last event sequence fanned out per source (for the System page and tests).</summary>
    public ConcurrentDictionary<EventSource, ulong> LastSeq { get; } = new();

    internal void Add(LiveConnection connection) => _connections.TryAdd(connection, 0);

    internal void Remove(LiveConnection connection) => _connections.TryRemove(connection, out _);

    /// <summary>Takes one of <paramref name="max"/> connection slots of <paramref name="user"/>.</summary>
    public bool TryAcquire(string user, int max)
    {
        lock (_perUser)
        {
            var count = _perUser.GetValueOrDefault(user);
            if (count >= max)
            {
                return false;
            }

            _perUser[user] = count + 1;
            return true;
        }
    }

    /// <summary>Open authenticated connections of <paramref name="user"/>.</summary>
    public int ConnectionsOf(string user)
    {
        lock (_perUser)
        {
            return _perUser.GetValueOrDefault(user);
        }
    }

    /// <summary>Gives a slot back.</summary>
    public void Release(string user)
    {
        lock (_perUser)
        {
            if (_perUser.TryGetValue(user, out var count))
            {
                if (count <= 1)
                {
                    _perUser.Remove(user);
                }
                else
                {
                    _perUser[user] = count - 1;
                }
            }
        }
    }

    /// <summary>Sends an event to every connection subscribed to a channel it belongs on.</summary>
    public void Publish(LiveEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var started = Stopwatch.GetTimestamp();
        // Enumerating the dictionary itself is lock-free; .Keys would take every bucket lock and copy a list per event.
        List<LiveOutbox>? drains = null;
        foreach (var (connection, _) in _connections)
        {
            if (connection.Deliver(e) is { } outbox)
            {
                (drains ??= new List<LiveOutbox>(_connections.Count)).Add(outbox);
            }
        }

        // Frames are queued on every connection first; the sends then run on a few thread-pool items, in parallel.
        if (drains is not null)
        {
            _sends.Schedule(drains);
        }

        LastSeq[e.Source] = e.Seq;
        _metrics.FannedOut(started);
    }

    /// <summary>
    /// Closes every connection with <paramref name="status"/>: when this replica lost NATS its feed is stale, and
    /// clients that reconnect (and resubscribe with <c>since</c>) once it is back miss nothing.
    /// </summary>
    public void CloseAll(System.Net.WebSockets.WebSocketCloseStatus status, string reason)
    {
        foreach (var (connection, _) in _connections)
        {
            connection.CloseWith(status, reason);
        }
    }

    /// <summary>Sends a metrics sample (JSON) to every connection subscribed to <c>metrics</c>.</summary>
    public void PublishMetrics(ReadOnlyMemory<byte> sampleJson)
    {
        var seq = (ulong)Interlocked.Increment(ref _metricsSeq);
        var e = new LiveEvent(EventSource.Metrics, Guid.Empty, seq, "metrics", sampleJson, DateTimeOffset.UtcNow);
        Publish(e);
    }
}
