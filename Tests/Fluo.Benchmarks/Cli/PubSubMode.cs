using System.Diagnostics;
using Fluo.Nats;

namespace Fluo.Benchmarks.Cli;

/// <summary>
/// A subscriber on the second connection (channel capacity n, so nothing is dropped client-side) and the publisher
/// on the first; timed from the first publish until the subscriber has read all n.
/// </summary>
internal sealed class PubSubMode(BenchContext context) : IBenchMode
{
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(10);

    public async Task<TimeSpan> RunAsync(int count)
    {
        var subject = context.NextSubject("pubsub");
        await using var sub = await context.Subscriber!.SubscribeCoreAsync<ReadOnlyMemory<byte>>(subject, opts: new NatsSubOpts { ChannelCapacity = count });
        var received = 0;
        var reader = Task.Run(async () =>
        {
            var msgs = sub.Msgs;
            var got = 0;
            while (await msgs.WaitToReadAsync())
            {
                while (msgs.TryRead(out _))
                {
                    got++;
                }

                Volatile.Write(ref received, got);
                if (got >= count)
                {
                    return;
                }
            }
        });

        var watch = Stopwatch.StartNew();
        await context.PublishAllAsync(subject, count);
        var last = -1;
        while (!reader.IsCompleted)
        {
            // Fail instead of hanging when messages were lost (server slow-consumer cut-off or client drops).
            var now = Volatile.Read(ref received);
            if (now == last)
            {
                throw new TimeoutException($"pubsub: only {now} of {count} messages arrived ({sub.DroppedCount} dropped by the client).");
            }

            last = now;
            await Task.WhenAny(reader, Task.Delay(Stall));
        }

        var elapsed = watch.Elapsed;
        await reader;
        return elapsed;
    }

    public ValueTask DisposeAsync() => default;
}
