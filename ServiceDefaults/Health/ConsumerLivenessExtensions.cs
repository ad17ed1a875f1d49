using System.Runtime.CompilerServices;
using Fluo.Nats;
using Fluo.Nats.JetStream;

namespace Fluo.ServiceDefaults.Health;

/// <summary>Wires JetStream consume loops to <see cref="ConsumerLiveness"/>.</summary>
public static class ConsumerLivenessExtensions
{
    /// <summary>How many idle-heartbeat intervals a consume may go without hearing from the server before it counts as stalled.</summary>
    /// <remarks>
    /// The consume itself re-pulls after two silent intervals; a third covers that pull's first heartbeat, so a
    /// lost pull that heals on its own does not trip the check.
    /// </remarks>
    public const int HeartbeatsPerWindow = 3;

    /// <summary>
    /// <see cref="INatsJSConsumer.ConsumeAsync{T}"/> registered with <paramref name="liveness"/> as
    /// <c>&lt;stream&gt;/&lt;consumer&gt;</c>: every message, idle heartbeat and pull status beats it, so a consume
    /// that hears nothing for <paramref name="window"/> (default <see cref="HeartbeatsPerWindow"/> idle heartbeats)
    /// makes <c>/alive</c> Unhealthy — the silent stall, fixed by a restart.
    /// </summary>
    /// <remarks>
    /// The server only talks to a consume that is enumerated: a caller that stops reading for longer than the
    /// window (e.g. every handler slot busy) is reported as stalled too, so keep handlers shorter than the window.
    /// The registration is removed when the consume ends by cancellation; when it ends with an exception it is
    /// left in place, so a loop that is not restarted turns the check Unhealthy (a restart registers afresh).
    /// </remarks>
    public static async IAsyncEnumerable<NatsJSMsg<T>> ConsumeWithLivenessAsync<T>(this INatsJSConsumer consumer, ConsumerLiveness liveness,
        NatsJSConsumeOpts? opts = null, INatsDeserialize<T>? serializer = null, TimeSpan? window = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(liveness);
        opts ??= new NatsJSConsumeOpts();
        var name = $"{consumer.Stream}/{consumer.Name}";
        var previous = opts.OnActivity;
        var watched = opts with
        {
            OnActivity = previous is null ? () => liveness.Beat(name) : () =>
            {
                liveness.Beat(name);
                previous();
            },
        };

        liveness.Register(name, window ?? watched.EffectiveIdleHeartbeat * HeartbeatsPerWindow);
        var faulted = false;
        var messages = consumer.ConsumeAsync(watched, serializer, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                bool next;
                try
                {
                    next = await messages.MoveNextAsync().ConfigureAwait(false);
                }
                catch
                {
                    faulted = true;
                    throw;
                }

                if (!next)
                {
                    break;
                }

                yield return messages.Current;
            }
        }
        finally
        {
            await messages.DisposeAsync().ConfigureAwait(false);
            if (!faulted)
            {
                liveness.Unregister(name);
            }
        }
    }
}
