using System.Globalization;
using Fluo.Nats;

namespace Fluo.Benchmarks.Cli;

/// <summary>The <c>nats</c> command: two untimed warm-ups (n/2 each, with a pause so tiered JIT promotes the hot path), then <c>--repeat</c> timed runs, one line each.</summary>
internal static class NatsCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        CliOptions options;
        try
        {
            options = CliOptions.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        using var server = options.Url is null ? LocalNatsServer.Start(options.JetStream) : null;
        var url = options.Url ?? server!.Url;
        await using var context = await BenchContext.ConnectAsync(url, options.Size, secondConnection: options.Mode is not ("pub" or "jspub"));
        IBenchMode mode = options.Mode switch
        {
            "pub" => new PubMode(context),
            "pubsub" => new PubSubMode(context),
            "jspub" => await JsPubMode.StartAsync(context),
            "jsconsume" => await JsConsumeMode.StartAsync(context),
            _ => await ReqMode.StartAsync(context),
        };

        await using (mode)
        {
            for (var warmUp = 0; warmUp < 2; warmUp++)
            {
                await mode.RunAsync(Math.Max(1, options.N / 2));
                await Task.Delay(200);
            }

            for (var i = 0; i < options.Repeat; i++)
            {
                var elapsed = await mode.RunAsync(options.N);
                var seconds = elapsed.TotalSeconds;
                var rate = (long)Math.Round(options.N / seconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{options.Mode}: {options.N} msgs in {seconds:F3}s = {rate} msgs/s"));
            }
        }

        return 0;
    }
}

/// <summary>The connections and payload shared by a mode's runs.</summary>
internal sealed class BenchContext : IAsyncDisposable
{
    private int _runs;

    private BenchContext(NatsConnection publisher, NatsConnection? subscriber, ReadOnlyMemory<byte> payload)
    {
        Publisher = publisher;
        Subscriber = subscriber;
        Payload = payload;
    }

    public NatsConnection Publisher { get; }

    /// <summary>Publishes <paramref name="count"/> messages of <see cref="Payload"/> to <paramref name="subject"/>, then flushes.</summary>
    public async Task PublishAllAsync(string subject, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Publisher.PublishAsync(subject, Payload);
        }

        await Publisher.FlushAsync();
    }

    /// <summary>The second connection (subscriber or responder); null in pub mode.</summary>
    public NatsConnection? Subscriber { get; }

    public ReadOnlyMemory<byte> Payload { get; }

    public static async Task<BenchContext> ConnectAsync(string url, int size, bool secondConnection)
    {
        var payload = new byte[size];
        new Random(42).NextBytes(payload);
        var publisher = new NatsConnection(new NatsOpts { Url = url, Name = "fluo-bench-pub" });
        await publisher.ConnectAsync();
        NatsConnection? subscriber = null;
        if (secondConnection)
        {
            subscriber = new NatsConnection(new NatsOpts { Url = url, Name = "fluo-bench-sub" });
            await subscriber.ConnectAsync();
        }

        return new BenchContext(publisher, subscriber, payload);
    }

    /// <summary>A fresh subject per run so a late message of one run never counts in the next.</summary>
    public string NextSubject(string prefix) => $"bench.{prefix}.{Interlocked.Increment(ref _runs)}";

    public async ValueTask DisposeAsync()
    {
        await DisposeBoundedAsync(Publisher);
        if (Subscriber is not null)
        {
            await DisposeBoundedAsync(Subscriber);
        }
    }

    /// <summary>A drain that never completes is reported, not waited for forever (the numbers are already printed).</summary>
    private static async Task DisposeBoundedAsync(NatsConnection connection)
    {
        var dispose = connection.DisposeAsync().AsTask();
        if (await Task.WhenAny(dispose, Task.Delay(TimeSpan.FromSeconds(15))) != dispose)
        {
            Console.Error.WriteLine($"warning: DisposeAsync of {connection.Opts.Name} did not complete within 15 s.");
        }
    }
}

/// <summary>One benchmark mode; <see cref="RunAsync"/> returns the timed part.</summary>
internal interface IBenchMode : IAsyncDisposable
{
    Task<TimeSpan> RunAsync(int count);
}
