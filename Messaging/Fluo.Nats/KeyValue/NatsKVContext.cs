using System.Runtime.CompilerServices;
using Fluo.Nats.JetStream;

namespace Fluo.Nats.KeyValue;

/// <summary>Key-value buckets as JetStream streams, by the conventions every NATS client and the <c>nats</c> CLI share.</summary>
public sealed class NatsKVContext : INatsKVContext
{
    /// <summary>Creates the context on <paramref name="context"/>.</summary>
    public NatsKVContext(INatsJSContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        JetStreamContext = context;
    }

    /// <inheritdoc />
    public INatsJSContext JetStreamContext { get; }

    /// <inheritdoc />
    public async ValueTask<INatsKVStore> CreateStoreAsync(NatsKVConfig config, CancellationToken cancellationToken = default) =>
        Store(await JetStreamContext.CreateStreamAsync(ToStreamConfig(config), cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public ValueTask<INatsKVStore> CreateStoreAsync(string bucket, CancellationToken cancellationToken = default) =>
        CreateStoreAsync(new NatsKVConfig(bucket), cancellationToken);

    /// <inheritdoc />
    public async ValueTask<INatsKVStore> GetStoreAsync(string bucket, CancellationToken cancellationToken = default)
    {
        NatsKVNames.ValidateBucket(bucket);
        return Store(await JetStreamContext.GetStreamAsync(NatsKVNames.Stream(bucket), cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async ValueTask<INatsKVStore> UpdateStoreAsync(NatsKVConfig config, CancellationToken cancellationToken = default) =>
        Store(await JetStreamContext.UpdateStreamAsync(ToStreamConfig(config), cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async ValueTask<INatsKVStore> CreateOrUpdateStoreAsync(NatsKVConfig config, CancellationToken cancellationToken = default) =>
        Store(await JetStreamContext.CreateOrUpdateStreamAsync(ToStreamConfig(config), cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public ValueTask<bool> DeleteStoreAsync(string bucket, CancellationToken cancellationToken = default)
    {
        NatsKVNames.ValidateBucket(bucket);
        return JetStreamContext.DeleteStreamAsync(NatsKVNames.Stream(bucket), cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> GetBucketNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var name in JetStreamContext.ListStreamNamesAsync("$KV.*.>", cancellationToken).ConfigureAwait(false))
        {
            if (name.StartsWith(NatsKVNames.StreamPrefix, StringComparison.Ordinal))
            {
                yield return name[NatsKVNames.StreamPrefix.Length..];
            }
        }
    }

    /// <summary>The stream behind a bucket (ADR-8), as nats.go and the CLI create it.</summary>
    internal static StreamConfig ToStreamConfig(NatsKVConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        NatsKVNames.ValidateBucket(config.Bucket);
        if (config.History is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(config), config.History, "History must be between 1 and 64.");
        }

        var duplicateWindow = TimeSpan.FromMinutes(2);
        if (config.MaxAge > TimeSpan.Zero && config.MaxAge < duplicateWindow)
        {
            duplicateWindow = config.MaxAge;
        }

        return new StreamConfig(NatsKVNames.Stream(config.Bucket), [$"$KV.{config.Bucket}.>"])
        {
            Description = config.Description,
            MaxMsgsPerSubject = config.History,
            MaxAge = config.MaxAge,
            MaxBytes = config.MaxBytes,
            MaxMsgSize = config.MaxValueSize,
            MaxMsgs = -1,
            MaxConsumers = -1,
            Storage = config.Storage,
            NumReplicas = Math.Max(1, config.NumberOfReplicas),
            Discard = StreamDiscard.New,
            DenyDelete = true,
            AllowRollupHdrs = true,
            AllowDirect = true,
            DuplicateWindow = duplicateWindow,
        };
    }

    private NatsKVStore Store(StreamInfo info) =>
        new(JetStreamContext, info.Config.Name[NatsKVNames.StreamPrefix.Length..], info.Config.AllowDirect);
}
