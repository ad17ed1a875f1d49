using Fluo.Nats.JetStream;
using Microsoft.Extensions.Options;

namespace Fluo.Web.Live;

/// <summary>
/// Replays a channel's events after a sequence straight from JetStream (an ordered consumer from <c>since + 1</c> up
/// to the stream's last sequence at the time of the call), so any replica can serve any client's <c>since</c>.
/// </summary>
public sealed class LiveReplay(INatsJSContext js, IOptions<WebOptions> options)
{
    /// <summary>Calls <paramref name="deliver"/> for each event of <paramref name="channel"/> with a sequence after <paramref name="since"/>.</summary>
    /// <returns>How many were delivered, whether the replay limit cut it short, and the stream's last sequence it replayed up to.</returns>
    public async Task<(int Count, bool Truncated, ulong UpTo)> ReplayAsync(LiveChannel channel, ulong since, Action<LiveEvent> deliver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        if (channel.Source == EventSource.Metrics)
        {
            return (0, false, 0);
        }

        var stream = LiveEvent.StreamOf(channel.Source);
        var info = await js.GetStreamAsync(stream, cancellationToken);
        var upTo = info.State.LastSeq;
        var start = Math.Max(since + 1, info.State.FirstSeq);
        if (upTo == 0 || start > upTo)
        {
            return (0, false, upTo);
        }

        var filter = LiveEvent.FilterOf(channel.Source, channel.Kind == ChannelKind.Job ? channel.Id : default);
        await using var consumer = await js.CreateOrderedConsumerAsync(stream, new NatsJSOrderedConsumerOpts
        {
            FilterSubject = filter,
            OptStartSeq = start,
            InactiveThreshold = TimeSpan.FromSeconds(30),
        }, cancellationToken);
        if (consumer.Info is { NumPending: 0 })
        {
            return (0, false, upTo);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var count = 0;
        var max = options.Value.MaxReplay;
        await foreach (var msg in consumer.ConsumeAsync<ReadOnlyMemory<byte>>(cancellationToken: timeout.Token))
        {
            var metadata = msg.Metadata!;
            if (metadata.StreamSequence > upTo)
            {
                break;
            }

            if (LiveEvent.From(channel.Source, msg.Subject, metadata.StreamSequence, metadata.Timestamp, msg.Data, msg.Headers) is { } e && channel.Matches(e))
            {
                if (count == max)
                {
                    return (count, true, upTo);
                }

                deliver(e);
                count++;
            }

            if (metadata.StreamSequence >= upTo || metadata.NumPending == 0)
            {
                break;
            }
        }

        return (count, false, upTo);
    }
}
