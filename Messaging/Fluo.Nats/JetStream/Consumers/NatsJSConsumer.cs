using System.Runtime.CompilerServices;
using System.Text.Json;
using Fluo.Nats.JetStream.Serialization;

namespace Fluo.Nats.JetStream;

/// <summary>A pull consumer bound to a JetStream context.</summary>
internal sealed class NatsJSConsumer : INatsJSConsumer
{
    private static readonly NatsRawSerializer<ReadOnlyMemory<byte>> Raw = NatsRawSerializer<ReadOnlyMemory<byte>>.Default;
    private readonly NatsJSContext _context;

    public NatsJSConsumer(NatsJSContext context, ConsumerInfo info)
    {
        _context = context;
        Info = info;
        Stream = info.StreamName;
        Name = info.Name;
    }

    public string Stream { get; }

    public string Name { get; }

    public ConsumerInfo Info { get; private set; }

    public async ValueTask RefreshAsync(CancellationToken cancellationToken = default) =>
        Info = await _context.GetConsumerInfoAsync(Stream, Name, cancellationToken).ConfigureAwait(false);

    public async IAsyncEnumerable<NatsJSMsg<T>> FetchAsync<T>(NatsJSFetchOpts? opts = null, INatsDeserialize<T>? serializer = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        opts ??= new NatsJSFetchOpts();
        ArgumentOutOfRangeException.ThrowIfLessThan(opts.MaxMsgs, 1, nameof(opts));
        var connection = _context.Connection;
        var inbox = connection.NewInbox();
        await using var sub = await connection.SubscribeCoreAsync(inbox, null, serializer, new NatsSubOpts { ChannelCapacity = opts.MaxMsgs + 64 }, cancellationToken).ConfigureAwait(false);
        await PullAsync(inbox, new PullRequest { Batch = opts.MaxMsgs, MaxBytes = opts.MaxBytes, Expires = opts.Expires }, cancellationToken).ConfigureAwait(false);

        // The server ends the pull with a 408 at expiry; the extra margin covers a lost pull (e.g. a reconnect).
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(opts.Expires + _context.RequestTimeout);
        var received = 0;
        while (received < opts.MaxMsgs)
        {
            NatsMsg<T> msg;
            try
            {
                msg = await sub.Msgs.ReadAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                yield break;
            }
            catch (System.Threading.Channels.ChannelClosedException)
            {
                yield break;
            }

            switch (PullStatus.Classify(msg))
            {
                case PullStatusKind.None:
                    received++;
                    yield return new NatsJSMsg<T>(msg);
                    break;
                case PullStatusKind.Heartbeat or PullStatusKind.Warning:
                    break;
                case PullStatusKind.NoResponders:
                    throw new NatsNoRespondersException(_context.ApiSubject($"CONSUMER.MSG.NEXT.{Stream}.{Name}"));
                case PullStatusKind.ConsumerDeleted or PullStatusKind.Terminal:
                    throw new NatsJSTerminalStatusException(msg.Headers!.Code, msg.Headers.MessageText);
                default:
                    yield break;
            }
        }
    }

    public async ValueTask<NatsJSMsg<T>?> NextAsync<T>(TimeSpan? expires = null, INatsDeserialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        await foreach (var msg in FetchAsync(new NatsJSFetchOpts { MaxMsgs = 1, Expires = expires ?? TimeSpan.FromSeconds(30) }, serializer, cancellationToken).ConfigureAwait(false))
        {
            return msg;
        }

        return null;
    }

    public IAsyncEnumerable<NatsJSMsg<T>> ConsumeAsync<T>(NatsJSConsumeOpts? opts = null, INatsDeserialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        opts = NatsJSConsumeOpts.Validated(opts);

        return new NatsJSConsume<T>(_context, this, opts, serializer).RunAsync(cancellationToken);
    }

    /// <summary>Sends a pull request whose replies go to <paramref name="inbox"/>.</summary>
    internal ValueTask PullAsync(string inbox, PullRequest request, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, NatsJSJsonContext.Default.PullRequest);
        return _context.Connection.PublishAsync(_context.ApiSubject($"CONSUMER.MSG.NEXT.{Stream}.{Name}"), (ReadOnlyMemory<byte>)body, null, inbox, Raw, cancellationToken);
    }
}
