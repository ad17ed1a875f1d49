using System.Diagnostics;
using Fluo.Nats.JetStream;

namespace Fluo.Benchmarks.Cli;

/// <summary>
/// Pre-fills the file stream with <c>n</c> messages on a fresh subject (untimed), then a new durable pull consumer
/// filtered to that subject is consumed with <see cref="INatsJSConsumer.ConsumeAsync{T}"/> on the second connection,
/// with <see cref="NatsJSMsg{T}.AckAsync"/> per message; timed from the start of the consume to the last message,
/// plus a flush so the acks have reached the server.
/// </summary>
internal sealed class JsConsumeMode : IBenchMode
{
    private readonly BenchContext _context;
    private readonly INatsJSContext _js;
    private readonly INatsJSContext _consumerJs;
    private readonly NatsJSPublisher _publisher;

    private JsConsumeMode(BenchContext context, INatsJSContext js, INatsJSContext consumerJs, NatsJSPublisher publisher)
    {
        _context = context;
        _js = js;
        _consumerJs = consumerJs;
        _publisher = publisher;
    }

    public static async Task<JsConsumeMode> StartAsync(BenchContext context)
    {
        var js = context.Publisher.CreateJetStreamContext();
        await JsBench.CreateStreamAsync(js);
        var publisher = js.CreatePublisher(new NatsJSPublisherOpts { AckTimeout = TimeSpan.FromSeconds(30) });
        return new JsConsumeMode(context, js, context.Subscriber!.CreateJetStreamContext(), publisher);
    }

    public async Task<TimeSpan> RunAsync(int count)
    {
        var subject = _context.NextSubject("jsc");
        var failedBefore = _publisher.Failed;
        await JsBench.PublishAllAsync(_publisher, subject, _context.Payload, count);
        JsBench.EnsureNoFailures(_publisher, failedBefore);

        var name = "c" + subject.Replace('.', '_');
        var consumer = await _consumerJs.CreateOrUpdateConsumerAsync(JsBench.Stream, new ConsumerConfig(name)
        {
            AckPolicy = ConsumerAckPolicy.Explicit,
            FilterSubject = subject,
        });

        using var cts = new CancellationTokenSource();
        var received = 0;
        var watch = Stopwatch.StartNew();
        try
        {
            await foreach (var msg in consumer.ConsumeAsync<ReadOnlyMemory<byte>>(cancellationToken: cts.Token))
            {
                await msg.AckAsync();
                if (++received == count)
                {
                    break;
                }
            }

            await _consumerJs.Connection.FlushAsync();
        }
        finally
        {
            await cts.CancelAsync();
        }

        var elapsed = watch.Elapsed;
        await _js.DeleteConsumerAsync(JsBench.Stream, name);
        return elapsed;
    }

    public ValueTask DisposeAsync() => _publisher.DisposeAsync();
}
