namespace Fluo.Hosting.Dashboard.Telemetry;

/// <summary>A thread-safe append-only window that drops (and counts) the oldest entries beyond its capacity.</summary>
internal sealed class BoundedLog<T>(int capacity)
{
    private readonly Lock _lock = new();
    private readonly Queue<T> _items = new();

    public long Dropped { get; private set; }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    public void AddRange(IEnumerable<T> items)
    {
        lock (_lock)
        {
            foreach (var item in items)
            {
                _items.Enqueue(item);
                if (_items.Count > capacity)
                {
                    _items.Dequeue();
                    Dropped++;
                }
            }
        }
    }

    public List<T> Snapshot(Func<T, bool>? filter = null)
    {
        lock (_lock)
        {
            return filter is null ? [.. _items] : _items.Where(filter).ToList();
        }
    }
}
