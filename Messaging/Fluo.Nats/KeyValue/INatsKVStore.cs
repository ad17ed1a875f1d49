namespace Fluo.Nats.KeyValue;

/// <summary>One bucket (shaped like NATS.Net v2's <c>INatsKVStore</c>). Serializers default to the connection's registry.</summary>
public interface INatsKVStore
{
    /// <summary>The bucket.</summary>
    string Bucket { get; }

    /// <summary>Puts a value; returns its revision.</summary>
    ValueTask<ulong> PutAsync<T>(string key, T value, INatsSerialize<T>? serializer = null, CancellationToken cancellationToken = default);

    /// <summary>Puts a value only when the key has none (never set, or deleted/purged); returns its revision.</summary>
    /// <exception cref="NatsKVCreateException">The key holds a value.</exception>
    ValueTask<ulong> CreateAsync<T>(string key, T value, INatsSerialize<T>? serializer = null, CancellationToken cancellationToken = default);

    /// <summary>Puts a value only when the key is still at <paramref name="revision"/> (compare and set); returns the new revision.</summary>
    /// <exception cref="NatsKVWrongLastRevisionException">The key changed meanwhile.</exception>
    ValueTask<ulong> UpdateAsync<T>(string key, T value, ulong revision, INatsSerialize<T>? serializer = null, CancellationToken cancellationToken = default);

    /// <summary>The latest entry of a key, or the one at <paramref name="revision"/>.</summary>
    /// <exception cref="NatsKVKeyNotFoundException">No such key (or revision).</exception>
    /// <exception cref="NatsKVKeyDeletedException">The key's latest entry (or the revision asked for) is a delete or purge.</exception>
    ValueTask<NatsKVEntry<T>> GetEntryAsync<T>(string key, ulong revision = 0, INatsDeserialize<T>? serializer = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a key (its history stays); with <paramref name="revision"/>, only if the key is still there.</summary>
    /// <exception cref="NatsKVWrongLastRevisionException">The key changed meanwhile.</exception>
    ValueTask DeleteAsync(string key, ulong? revision = null, CancellationToken cancellationToken = default);

    /// <summary>Purges a key: a delete marker replaces its whole history.</summary>
    /// <exception cref="NatsKVWrongLastRevisionException">The key changed meanwhile.</exception>
    ValueTask PurgeAsync(string key, ulong? revision = null, CancellationToken cancellationToken = default);

    /// <summary>The keys that hold a value (deleted and purged ones are left out), optionally matching <paramref name="filter"/>.</summary>
    IAsyncEnumerable<string> GetKeysAsync(string filter = ">", CancellationToken cancellationToken = default);

    /// <summary>Every stored revision of a key, oldest first, deletes included; empty when the key never existed.</summary>
    IAsyncEnumerable<NatsKVEntry<T>> HistoryAsync<T>(string key, INatsDeserialize<T>? serializer = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The latest entry of every key matching <paramref name="key"/> (wildcards <c>*</c> and <c>&gt;</c>), then every
    /// change, in order, until cancelled. The end of the initial set is signalled through
    /// <see cref="NatsKVWatchOpts.OnNoData"/> (and <see cref="NatsKVEntry{T}.Delta"/> 0 on its last entry). Survives
    /// reconnects and server restarts without gaps or repeats.
    /// </summary>
    IAsyncEnumerable<NatsKVEntry<T>> WatchAsync<T>(string key = ">", NatsKVWatchOpts? opts = null, INatsDeserialize<T>? serializer = null, CancellationToken cancellationToken = default);

    /// <summary>The bucket's configuration and content.</summary>
    ValueTask<NatsKVStatus> GetStatusAsync(CancellationToken cancellationToken = default);
}
