using System.Runtime.CompilerServices;
using Fluo.Nats.Internal;

namespace Fluo.Nats;

public sealed partial class NatsConnection
{
    /// <inheritdoc />
    public async IAsyncEnumerable<NatsMsg<T>> SubscribeAsync<T>(string subject, string? queueGroup = null, INatsDeserialize<T>? serializer = null, NatsSubOpts? opts = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var sub = await SubscribeCoreAsync(subject, queueGroup, serializer, opts, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            bool more;
            try
            {
                more = await sub.Msgs.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }

            if (!more)
            {
                yield break;
            }

            while (sub.Msgs.TryRead(out var msg))
            {
                yield return msg;
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>When connected, returns once the server has registered the subscription (a PING/PONG round trip).</remarks>
    public async ValueTask<INatsSub<T>> SubscribeCoreAsync<T>(string subject, string? queueGroup = null, INatsDeserialize<T>? serializer = null, NatsSubOpts? opts = null, CancellationToken cancellationToken = default)
    {
        NatsSubjects.Validate(subject, allowWildcards: true);
        if (queueGroup is not null)
        {
            NatsSubjects.ValidateQueueGroup(queueGroup);
        }

        if (opts?.MaxMsgs is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(opts), opts.MaxMsgs, "MaxMsgs must be positive.");
        }

        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        var sid = Interlocked.Increment(ref _nextSid);
        var sub = new NatsSub<T>(this, sid, subject, queueGroup, serializer ?? Opts.SerializerRegistry.GetDeserializer<T>(), opts);
        _writer.Subscribe(sub);
        NatsTelemetry.ActiveSubscriptions.Add(1);
        if (_state == NatsConnectionState.Open)
        {
            try
            {
                await PingAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NatsConnectionException)
            {
                // Lost the connection meanwhile: the subscription is replayed on reconnect.
            }
        }

        return sub;
    }

    internal void RemoveSubscription(NatsSubBase sub, bool sendUnsub) => _writer.Unsubscribe(sub.Sid, sendUnsub);

    /// <summary>
    /// Registers a subscription that handles frames itself on the reader loop (no channel, no per-message
    /// <see cref="NatsMsg{T}"/>), for internal fast paths such as JetStream publish acks.
    /// </summary>
    internal async ValueTask<TSub> AddSubscriptionAsync<TSub>(Func<int, TSub> create, CancellationToken cancellationToken)
        where TSub : NatsSubBase
    {
        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        var sub = create(Interlocked.Increment(ref _nextSid));
        _writer.Subscribe(sub);
        return sub;
    }
}
