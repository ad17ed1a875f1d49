using System.Runtime.CompilerServices;
using Fluo.Nats.JetStream;

namespace Fluo.Nats.KeyValue;

internal sealed partial class NatsKVStore
{
    private static readonly Func<CancellationToken, ValueTask<bool>> StopAtEndOfData = _ => ValueTask.FromResult(true);

    public async IAsyncEnumerable<NatsKVEntry<T>> WatchAsync<T>(string key = ">", NatsKVWatchOpts? opts = null, INatsDeserialize<T>? serializer = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        NatsKVNames.ValidateKey(key, allowWildcards: true);
        opts ??= NatsKVWatchOpts.Default;
        var policy = opts.UpdatesOnly ? ConsumerDeliverPolicy.New
            : opts.IncludeHistory ? ConsumerDeliverPolicy.All
            : ConsumerDeliverPolicy.LastPerSubject;
        await using var ordered = await _js.CreateOrderedConsumerAsync(_stream, new NatsJSOrderedConsumerOpts
        {
            FilterSubject = _prefix + key,
            DeliverPolicy = policy,
            HeadersOnly = opts.MetaOnly,
        }, cancellationToken).ConfigureAwait(false);

        // Caught up at once when nothing matched at creation; otherwise at the first entry with nothing pending.
        var initialDone = false;
        if (ordered.Info?.NumPending is null or 0)
        {
            initialDone = true;
            if (await EndOfDataAsync(opts, cancellationToken).ConfigureAwait(false))
            {
                yield break;
            }
        }

        var heartbeat = opts.IdleHeartbeat;
        var consume = new NatsJSConsumeOpts
        {
            MaxMsgs = 256,
            IdleHeartbeat = heartbeat,
            Expires = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, heartbeat.Ticks * 2)),
            ReceiveSpans = opts.ReceiveSpans,
        };
        await foreach (var msg in ordered.ConsumeAsync(consume, serializer, cancellationToken).ConfigureAwait(false))
        {
            var metadata = msg.Metadata!;
            var operation = NatsKVNames.Operation(msg.Headers);
            if (!(opts.IgnoreDeletes && operation != NatsKVOperation.Put) && msg.Subject.StartsWith(_prefix, StringComparison.Ordinal))
            {
                yield return new NatsKVEntry<T>(Bucket, msg.Subject[_prefix.Length..])
                {
                    Value = operation == NatsKVOperation.Put ? msg.Data : default,
                    Error = operation == NatsKVOperation.Put ? msg.Error : null,
                    Revision = metadata.StreamSequence,
                    Created = metadata.Timestamp,
                    Delta = metadata.NumPending,
                    Operation = operation,
                };
            }

            if (!initialDone && metadata.NumPending == 0)
            {
                initialDone = true;
                if (await EndOfDataAsync(opts, cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }
            }
        }
    }

    public async IAsyncEnumerable<string> GetKeysAsync(string filter = ">", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var opts = new NatsKVWatchOpts { MetaOnly = true, IgnoreDeletes = true, OnNoData = StopAtEndOfData };
        await foreach (var entry in WatchAsync<ReadOnlyMemory<byte>>(filter, opts, Raw, cancellationToken).ConfigureAwait(false))
        {
            yield return entry.Key;
        }
    }

    public IAsyncEnumerable<NatsKVEntry<T>> HistoryAsync<T>(string key, INatsDeserialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        NatsKVNames.ValidateKey(key);
        return WatchAsync(key, new NatsKVWatchOpts { IncludeHistory = true, OnNoData = StopAtEndOfData }, serializer, cancellationToken);
    }

    private static ValueTask<bool> EndOfDataAsync(NatsKVWatchOpts opts, CancellationToken cancellationToken) =>
        opts.OnNoData?.Invoke(cancellationToken) ?? ValueTask.FromResult(false);
}
