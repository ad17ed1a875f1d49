namespace Fluo.Nats.KeyValue;

/// <summary>Options of a watch.</summary>
public sealed record NatsKVWatchOpts
{
    /// <summary>The defaults: the latest value of every matching key, then every change.</summary>
    public static NatsKVWatchOpts Default { get; } = new();

    /// <summary>Skip deletes and purges.</summary>
    public bool IgnoreDeletes { get; init; }

    /// <summary>Start with every stored revision instead of the latest per key.</summary>
    public bool IncludeHistory { get; init; }

    /// <summary>Only changes made after the watch starts (the initial set is empty).</summary>
    public bool UpdatesOnly { get; init; }

    /// <summary>Entries without values (keys, revisions and operations only).</summary>
    public bool MetaOnly { get; init; }

    /// <summary>Heartbeat while idle; twice this without a word resets the watch's consumer.</summary>
    public TimeSpan IdleHeartbeat { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether each entry records a <c>receive</c> span in the writer's trace (see <see cref="NatsSubOpts.ReceiveSpans"/>);
    /// off for a watch that only keeps a view current.
    /// </summary>
    public bool ReceiveSpans { get; init; } = true;

    /// <summary>
    /// The end-of-initial-data marker: called once when the initial set has been handed out (before the first live
    /// update; at once when there is nothing to start with). Return true to end the watch there, false to go on with
    /// live updates. The last entry of the initial set also has <see cref="NatsKVEntry{T}.Delta"/> 0.
    /// </summary>
    public Func<CancellationToken, ValueTask<bool>>? OnNoData { get; init; }
}
