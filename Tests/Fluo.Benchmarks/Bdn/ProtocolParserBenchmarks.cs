using System.Text;
using BenchmarkDotNet.Attributes;
using Fluo.Nats.Protocol;

namespace Fluo.Benchmarks.Bdn;

/// <summary>Parsing a receive buffer of MSG frames with 16-byte payloads; must not allocate.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ProtocolParserBenchmarks
{
    private const int Frames = 1000;
    private byte[] _buffer = [];

    [GlobalSetup]
    public void Setup()
    {
        var builder = new StringBuilder();
        for (var i = 0; i < Frames; i++)
        {
            builder.Append("MSG bench.subject.a 1 16\r\n0123456789abcdef\r\n");
        }

        _buffer = Encoding.ASCII.GetBytes(builder.ToString());
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public int TryParseMsg()
    {
        ReadOnlySpan<byte> rest = _buffer;
        var total = 0;
        while (ProtocolParser.TryParse(rest, out var frame, out var consumed, out _))
        {
            total += frame.Sid + frame.Payload.Length;
            rest = rest[consumed..];
        }

        return total;
    }
}
