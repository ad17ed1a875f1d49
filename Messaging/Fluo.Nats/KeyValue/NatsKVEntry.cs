namespace Fluo.Nats.KeyValue;

/// <summary>One revision of a key.</summary>
/// <typeparam name="T">Value type.</typeparam>
/// <param name="Bucket">The bucket.</param>
/// <param name="Key">The key.</param>
public sealed record NatsKVEntry<T>(string Bucket, string Key)
{
    /// <summary>The value (default for deletes, purges and meta-only watches).</summary>
    public T? Value { get; init; }

    /// <summary>The revision: the stream sequence of this entry.</summary>
    public ulong Revision { get; init; }

    /// <summary>
    /// In watches, keys and history: entries still to come after this one when it was delivered (0: caught up, which
    /// marks the last entry of a watch's initial set). Zero for <c>GetEntryAsync</c>.
    /// </summary>
    public ulong Delta { get; init; }

    /// <summary>When the revision was stored.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>Put, delete or purge.</summary>
    public NatsKVOperation Operation { get; init; }

    /// <summary>Set when the value could not be deserialized; <see cref="Value"/> is then default.</summary>
    public Exception? Error { get; init; }

    /// <summary>Throws <see cref="Error"/>, if any.</summary>
    public void EnsureSuccess()
    {
        if (Error is not null)
        {
            throw Error;
        }
    }
}
