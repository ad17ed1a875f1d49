using BenchmarkDotNet.Attributes;
using Fluo.Benchmarks.Cli;
using Fluo.Nats;

namespace Fluo.Benchmarks.Bdn;

/// <summary>NatsConnection.PublishAsync of a 16-byte payload against a local nats-server; per publish, batches of 1000.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class PublishBenchmarks
{
    private const int Batch = 1000;
    private readonly ReadOnlyMemory<byte> _payload = new byte[16];
    private LocalNatsServer _server = null!;
    private NatsConnection _connection = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _server = LocalNatsServer.Start();
        _connection = new NatsConnection(new NatsOpts { Url = _server.Url });
        await _connection.ConnectAsync();
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task PublishAsync()
    {
        for (var i = 0; i < Batch; i++)
        {
            await _connection.PublishAsync("bench.subject.a", _payload);
        }
    }

    /// <summary>Bounded so a stuck flush or drain reports itself instead of hanging the suite.</summary>
    [GlobalCleanup]
    public async Task Cleanup()
    {
        try
        {
            await Step("FlushAsync", _connection.FlushAsync().AsTask());
            await Step("DisposeAsync", _connection.DisposeAsync().AsTask());
        }
        finally
        {
            _server.Dispose();
        }
    }

    private static async Task Step(string name, Task task)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        if (await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(15))) != task)
        {
            Console.WriteLine($"// cleanup: {name} did not complete within 15 s");
            return;
        }

        await task;
        Console.WriteLine($"// cleanup: {name} took {watch.Elapsed.TotalMilliseconds:F1} ms");
    }
}
