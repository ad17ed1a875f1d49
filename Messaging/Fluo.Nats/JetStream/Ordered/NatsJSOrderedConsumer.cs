using System.Runtime.CompilerServices;
using Fluo.Nats.JetStream.Ordered;

namespace Fluo.Nats.JetStream;

/// <summary>
/// The ordered consumer's state across resets: the server-side consumer in use and the last stream and consumer
/// sequences handed out. Resets create a new ephemeral pull consumer (ack none, R1, memory) by start sequence.
/// </summary>
internal sealed class NatsJSOrderedConsumer : INatsJSOrderedConsumer
{
    private readonly NatsJSContext _context;
    private NatsJSConsumer? _current;
    private bool _resumable;
    private int _busy;

    public NatsJSOrderedConsumer(NatsJSContext context, string stream, NatsJSOrderedConsumerOpts opts)
    {
        _context = context;
        Stream = stream;
        Opts = opts;
    }

    public string Stream { get; }

    public NatsJSOrderedConsumerOpts Opts { get; }

    public ConsumerInfo? Info => _current?.Info;

    public ulong LastStreamSequence { get; private set; }

    /// <summary>The consumer sequence of the last message handed out by the current server-side consumer.</summary>
    internal ulong LastConsumerSequence { get; private set; }

    internal NatsJSContext Context => _context;

    /// <summary>The consumer in use, creating one when there is none.</summary>
    internal ValueTask<NatsJSConsumer> CurrentAsync(CancellationToken cancellationToken) =>
        _current is { } current ? ValueTask.FromResult(current) : ResetAsync(null, cancellationToken);

    /// <summary>
    /// True when <paramref name="metadata"/> is the next message of the current consumer (and records it); false on a
    /// gap. Messages of an earlier consumer are neither: see <see cref="IsCurrent"/>.
    /// </summary>
    internal bool Advance(NatsJSMsgMetadata metadata)
    {
        if (metadata.ConsumerSequence != LastConsumerSequence + 1)
        {
            return false;
        }

        LastConsumerSequence = metadata.ConsumerSequence;
        LastStreamSequence = metadata.StreamSequence;
        _resumable = true;
        return true;
    }

    internal bool IsCurrent(NatsJSMsgMetadata metadata) => _current is { } current && metadata.Consumer == current.Name;

    /// <summary>
    /// Replaces the server-side consumer with one that starts after <see cref="LastStreamSequence"/>, retrying while
    /// JetStream is unreachable. <paramref name="reason"/> null: the first creation.
    /// </summary>
    internal async ValueTask<NatsJSConsumer> ResetAsync(string? reason, CancellationToken cancellationToken)
    {
        if (reason is not null)
        {
            NatsJSOrderedLog.Reset(_context.Logger, Stream, reason, LastStreamSequence);
        }

        if (_current is { } old)
        {
            _current = null;
            DeleteQuietly(old.Name);
        }

        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                var consumer = (NatsJSConsumer)await _context.CreateOrUpdateConsumerAsync(Stream, NextConfig(), cancellationToken).ConfigureAwait(false);
                if (!_resumable && Opts.InitialPolicy != ConsumerDeliverPolicy.LastPerSubject)
                {
                    // The server reports the position before its first delivery; resuming from there loses nothing
                    // that arrives before the first message is handed out (e.g. with deliver policy "new").
                    LastStreamSequence = consumer.Info.Delivered.StreamSeq;
                    _resumable = true;
                }

                LastConsumerSequence = 0;
                _current = consumer;
                return consumer;
            }
            catch (Exception ex) when (IsTransient(ex))
            {
                NatsJSOrderedLog.CreateFailed(_context.Logger, Stream, ex.Message, delay);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    /// <summary>Ends the use of the current server-side consumer (deleted in the background).</summary>
    internal void Release()
    {
        if (_current is { } current)
        {
            _current = null;
            DeleteQuietly(current.Name);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_current is { } current)
        {
            _current = null;
            await DeleteAsync(current.Name).ConfigureAwait(false);
        }
    }

    internal void Enter()
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("An ordered consumer supports one ConsumeAsync or FetchAsync at a time.");
        }
    }

    internal void Exit() => Volatile.Write(ref _busy, 0);

    public IAsyncEnumerable<NatsJSMsg<T>> ConsumeAsync<T>(NatsJSConsumeOpts? opts = null, INatsDeserialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        opts = NatsJSConsumeOpts.Validated(opts);

        return new NatsJSOrderedConsume<T>(this, opts, serializer).RunAsync(cancellationToken);
    }

    public async IAsyncEnumerable<NatsJSMsg<T>> FetchAsync<T>(NatsJSFetchOpts? opts = null, INatsDeserialize<T>? serializer = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Enter();
        try
        {
            // A pull to a consumer that no longer exists vanishes without a status (2.9.10): an empty fetch checks
            // that the consumer is still there and, if not, fetches once more from a new one.
            for (var attempt = 0; attempt < 2; attempt++)
            {
                var consumer = await CurrentAsync(cancellationToken).ConfigureAwait(false);
                var received = 0;
                await using var messages = consumer.FetchAsync(opts, serializer, cancellationToken).GetAsyncEnumerator(cancellationToken);
                while (true)
                {
                    string? reset = null;
                    try
                    {
                        if (!await messages.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                    catch (NatsJSTerminalStatusException ex) when (ex.Code == 409)
                    {
                        reset = $"{ex.Code} {ex.Description}";
                    }
                    catch (NatsNoRespondersException)
                    {
                        reset = "no responders";
                    }

                    if (reset is null && messages.Current.Metadata is { } metadata && !Advance(metadata))
                    {
                        reset = $"gap: consumer sequence {metadata.ConsumerSequence} after {LastConsumerSequence}";
                    }

                    if (reset is not null)
                    {
                        await ResetAsync(reset, cancellationToken).ConfigureAwait(false);
                        yield break;
                    }

                    received++;
                    yield return messages.Current;
                }

                if (received > 0 || await ExistsAsync(consumer.Name, cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }

                await ResetAsync("the consumer no longer exists", cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Exit();
        }
    }

    private async ValueTask<bool> ExistsAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await _context.GetConsumerInfoAsync(Stream, name, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NatsJSApiException ex) when (ex.ErrorCode == NatsJSErrorCodes.ConsumerNotFound)
        {
            return false;
        }
    }

    private ConsumerConfig NextConfig()
    {
        var resume = _resumable;
        return new ConsumerConfig
        {
            Name = Nuid.Next(),
            DeliverPolicy = resume ? ConsumerDeliverPolicy.ByStartSequence : Opts.InitialPolicy,
            OptStartSeq = resume ? LastStreamSequence + 1 : Opts.OptStartSeq,
            OptStartTime = resume ? null : Opts.OptStartTime,
            AckPolicy = ConsumerAckPolicy.None,
            MaxDeliver = 1,
            FilterSubject = Opts.FilterSubject,
            HeadersOnly = Opts.HeadersOnly,
            ReplayPolicy = Opts.ReplayPolicy,
            InactiveThreshold = Opts.InactiveThreshold,
            NumReplicas = 1,
            MemStorage = true,
        };
    }

    private static bool IsTransient(Exception ex) => ex switch
    {
        NatsRequestTimeoutException or NatsNoRespondersException or NatsConnectionException => true,
        NatsJSApiException api => api.Code is 503 or 500,
        _ => false,
    };

    private void DeleteQuietly(string name) => _ = DeleteAsync(name);

    private async Task DeleteAsync(string name)
    {
        try
        {
            await _context.DeleteConsumerAsync(Stream, name).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or ObjectDisposedException or OperationCanceledException)
        {
            // Gone already, or unreachable: the server drops it after its inactive threshold.
        }
    }
}
