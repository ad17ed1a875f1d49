using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Fluo.Nats;
using Fluo.Nats.Internal;

namespace Fluo.Benchmarks.Bdn;

/// <summary>Framing a PUB into the pending buffer and the writer loop's Take/Return, without a socket; steady state allocates nothing.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class CommandWriterBenchmarks
{
    private const int Batch = 100;
    private readonly byte[] _payload = new byte[16];
    private CommandWriter _writer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _writer = new CommandWriter(new NatsOpts(), new ConcurrentDictionary<int, NatsSubBase>());
        _writer.Attach();
    }

    /// <summary>One PUB, then the writer loop takes the buffer and gives it back.</summary>
    [Benchmark]
    public int PublishTakeReturn()
    {
        _writer.TryWritePublish("bench.subject.a", null, _payload, 0);
        var buffer = _writer.Take()!;
        var length = buffer.WrittenCount;
        _writer.Return(buffer);
        return length;
    }

    /// <summary>100 PUBs batched into one Take/Return (what concurrent publishers see); per PUB.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int PublishBatchTakeReturn()
    {
        for (var i = 0; i < Batch; i++)
        {
            _writer.TryWritePublish("bench.subject.a", null, _payload, 0);
        }

        var buffer = _writer.Take()!;
        var length = buffer.WrittenCount;
        _writer.Return(buffer);
        return length;
    }
}
