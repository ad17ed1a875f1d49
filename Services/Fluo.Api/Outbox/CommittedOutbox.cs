using System.Collections.Concurrent;

namespace Fluo.Api.Outbox;

/// <summary>
/// Outbox rows this Api process has committed, handed to its relay so it publishes them at once without reading them
/// back from the table. Only a fast path: every row is in the table, and the relay's sweep publishes any row this queue
/// did not carry (its process died, its publish failed, the queue was full, NATS was down).
/// </summary>
public sealed class CommittedOutbox : IDisposable
{
    /// <summary>Rows held at most; beyond that the sweep publishes them.</summary>
    internal const int Capacity = 20_000;

    private readonly ConcurrentQueue<OutboxRow> _rows = new();
    private readonly SemaphoreSlim _signal = new(0, 1);
    private int _count;

    /// <summary>Rows waiting for the relay.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Hands committed rows to the relay and wakes it. Call only after the transaction that wrote them has committed.</summary>
    internal void Add(IEnumerable<OutboxRow> rows)
    {
        foreach (var row in rows)
        {
            if (Interlocked.Increment(ref _count) > Capacity)
            {
                Interlocked.Decrement(ref _count);
                break;
            }

            _rows.Enqueue(row);
        }

        Wake();
    }

    /// <summary>Takes up to <paramref name="max"/> rows; rows committed more than <paramref name="maxAge"/> ago are dropped (the sweep owns those).</summary>
    internal List<OutboxRow> Take(int max, TimeSpan maxAge)
    {
        var rows = new List<OutboxRow>(Math.Min(max, Count));
        var oldest = DateTimeOffset.UtcNow - maxAge;
        while (rows.Count < max && _rows.TryDequeue(out var row))
        {
            Interlocked.Decrement(ref _count);
            if (row.CreatedAt >= oldest)
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    /// <summary>Drops every queued row (they stay unsent in the table, for the sweep).</summary>
    internal void Clear()
    {
        while (_rows.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>Waits until rows are added or <paramref name="timeout"/> passes.</summary>
    internal Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        Count > 0 ? Task.FromResult(true) : _signal.WaitAsync(timeout, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _signal.Dispose();

    private void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another caller woke the relay first: one wake-up is enough.
            }
        }
    }
}
