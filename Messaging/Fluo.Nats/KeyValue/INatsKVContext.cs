using Fluo.Nats.JetStream;

namespace Fluo.Nats.KeyValue;

/// <summary>Key-value buckets on JetStream (shaped like NATS.Net v2's <c>INatsKVContext</c>).</summary>
public interface INatsKVContext
{
    /// <summary>The JetStream context underneath.</summary>
    INatsJSContext JetStreamContext { get; }

    /// <summary>Creates a bucket; creating an identical one again is fine, a different one fails (10058).</summary>
    /// <exception cref="NatsJSApiException">The server refused.</exception>
    ValueTask<INatsKVStore> CreateStoreAsync(NatsKVConfig config, CancellationToken cancellationToken = default);

    /// <summary>Creates a bucket with the default configuration.</summary>
    ValueTask<INatsKVStore> CreateStoreAsync(string bucket, CancellationToken cancellationToken = default);

    /// <summary>An existing bucket.</summary>
    /// <exception cref="NatsJSApiException">10059 when it does not exist.</exception>
    ValueTask<INatsKVStore> GetStoreAsync(string bucket, CancellationToken cancellationToken = default);

    /// <summary>Changes a bucket's configuration (storage cannot change).</summary>
    ValueTask<INatsKVStore> UpdateStoreAsync(NatsKVConfig config, CancellationToken cancellationToken = default);

    /// <summary>Updates the bucket, or creates it when it does not exist.</summary>
    ValueTask<INatsKVStore> CreateOrUpdateStoreAsync(NatsKVConfig config, CancellationToken cancellationToken = default);

    /// <summary>Deletes a bucket and everything in it.</summary>
    ValueTask<bool> DeleteStoreAsync(string bucket, CancellationToken cancellationToken = default);

    /// <summary>Names of all buckets.</summary>
    IAsyncEnumerable<string> GetBucketNamesAsync(CancellationToken cancellationToken = default);
}
