using System.Diagnostics;
using Fluo.Nats.JetStream;

namespace Fluo.Benchmarks.Cli;

/// <summary>
/// Asynchronous JetStream publishes of the payload to a file-storage stream through one <see cref="NatsJSPublisher"/>;
/// timed from the first publish until every ack has arrived. Any failed publish fails the run.
/// </summary>
internal sealed class JsPubMode : IBenchMode
{
    private readonly BenchContext _context;
    private readonly NatsJSPublisher _publisher;

    private JsPubMode(BenchContext context, NatsJSPublisher publisher)
    {
        _context = context;
        _publisher = publisher;
    }

    public static async Task<JsPubMode> StartAsync(BenchContext context)
    {
        var js = context.Publisher.CreateJetStreamContext();
        await JsBench.CreateStreamAsync(js);
        return new JsPubMode(context, js.CreatePublisher(new NatsJSPublisherOpts { AckTimeout = TimeSpan.FromSeconds(30) }));
    }

    public async Task<TimeSpan> RunAsync(int count)
    {
        var subject = _context.NextSubject("js");
        var failedBefore = _publisher.Failed;
        var watch = Stopwatch.StartNew();
        await JsBench.PublishAllAsync(_publisher, subject, _context.Payload, count);
        var elapsed = watch.Elapsed;
        JsBench.EnsureNoFailures(_publisher, failedBefore);
        return elapsed;
    }

    public ValueTask DisposeAsync() => _publisher.DisposeAsync();
}

/// <summary>The stream and the publish loop shared by the JetStream modes.</summary>
internal static class JsBench
{
    public const string Stream = "BENCH";

    public static async Task CreateStreamAsync(INatsJSContext js) =>
        await js.CreateStreamAsync(new StreamConfig(Stream, ["bench.>"]) { Storage = StreamStorage.File });

    /// <summary>Publishes <paramref name="count"/> messages through the window and waits for every ack.</summary>
    public static async Task PublishAllAsync(NatsJSPublisher publisher, string subject, ReadOnlyMemory<byte> payload, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await publisher.PublishAsync(subject, payload);
        }

        await publisher.WaitAllAsync();
    }

    public static void EnsureNoFailures(NatsJSPublisher publisher, long failedBefore)
    {
        if (publisher.Failed != failedBefore)
        {
            throw new InvalidOperationException($"{publisher.Failed - failedBefore} publishes were not acknowledged.");
        }
    }
}
