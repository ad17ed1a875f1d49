using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Fluo.Contracts;
using Fluo.Contracts.Jobs;

namespace Fluo.Benchmarks.Bdn;

/// <summary>
/// Reading a trace_analysis payload around the ingest benchmark's 10-span trace, as the workers do: through the
/// generated metadata alone (<c>FluoJsonContext.Default</c>) and with the span converter (<c>FluoJsonContext.Traces</c>).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class TraceJsonBenchmarks
{
    private readonly byte[] _job = Encoding.UTF8.GetBytes(JobJson());

    /// <summary>The serializer's constructor path for the 8-parameter span record.</summary>
    [Benchmark(Baseline = true)]
    public TraceAnalysisJob? Generated() => JsonSerializer.Deserialize(_job, FluoJsonContext.Default.TraceAnalysisJob);

    /// <summary>The same payload read by <c>TraceSpanJsonConverter</c>.</summary>
    [Benchmark]
    public TraceAnalysisJob? Converter() => JsonSerializer.Deserialize(_job, FluoJsonContext.Traces.TraceAnalysisJob);

    private static string JobJson()
    {
        var spans = new StringBuilder();
        for (var i = 0; i < 10; i++)
        {
            spans.Append(i == 0
                ? """{"spanId":"00f067aa0ba902b7","name":"bench.root","service":"shop","start":"2026-12-02T10:00:00+00:00","durationMs":40,"status":"ok"}"""
                : $$$"""{"spanId":"{{{i:x16}}}","parentSpanId":"00f067aa0ba902b7","name":"db.query","service":"cart","start":"2026-12-02T10:00:00.001+00:00","durationMs":{{{3 * i}}},"status":"ok","attributes":{"http.status_code":200,"db.system":"postgresql"}}""");
            spans.Append(i < 9 ? "," : "");
        }

        return $$"""{"jobId":"{{Guid.CreateVersion7()}}","trace":{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spans":[{{spans}}]},"acceptedAt":"2026-12-02T10:00:00+00:00"}""";
    }
}
