using BenchmarkDotNet.Attributes;
using Fluo.Otlp.Traces;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Fluo.Benchmarks.Bdn;

/// <summary>
/// Taking the spans out of a protobuf trace export of 512 messaging spans (the batch a service's exporter sends, with
/// the attributes Fluo's own publish spans carry): parsing the request and flattening it, against reading the spans
/// straight from the bytes (<see cref="OtlpSpanReader"/>), as the Api's OTLP intake and the dashboard's receiver do.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class OtlpDecodeBenchmarks
{
    private readonly byte[] _body = Export(512).ToByteArray();

    /// <summary>The generated parser, then <see cref="OtlpSpans.Flatten"/>.</summary>
    [Benchmark(Baseline = true)]
    public OtlpSpanBatch ParseAndFlatten() => OtlpSpans.Flatten(ExportTraceServiceRequest.Parser.ParseFrom(_body));

    /// <summary>The same spans read from the bytes.</summary>
    [Benchmark]
    public OtlpSpanBatch Read() => OtlpSpanReader.Read(_body);

    private static ExportTraceServiceRequest Export(int spans)
    {
        static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };
        static KeyValue Number(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };

        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "Fluo.Nats", Version = "1.0.0" } };
        for (var i = 0; i < spans; i++)
        {
            var jobId = Guid.CreateVersion7().ToString();
            scope.Spans.Add(new Span
            {
                TraceId = ByteString.CopyFrom(Guid.NewGuid().ToByteArray()), SpanId = ByteString.CopyFrom(BitConverter.GetBytes((long)i + 1)),
                ParentSpanId = ByteString.CopyFrom(BitConverter.GetBytes((long)i + 1_000_000)), Name = "publish jobs.trace_analysis",
                Kind = Span.Types.SpanKind.Producer, StartTimeUnixNano = 1_764_000_000_000_000_000UL + (ulong)i, EndTimeUnixNano = 1_764_000_000_000_400_000UL + (ulong)i,
                Status = new Status(),
                Attributes =
                {
                    Text("messaging.system", "nats"), Text("messaging.operation.type", "send"), Text("messaging.operation.name", "publish"),
                    Text("messaging.destination.name", "jobs.trace_analysis"), Text("messaging.message.id", jobId), Number("messaging.message.body.size", 2_300 + i),
                    Text("server.address", "127.0.0.1"), Number("server.port", 4222),
                },
            });
        }

        var resource = new Resource { Attributes = { Text("service.name", "api"), Text("service.instance.id", "api-1"), Text("telemetry.sdk.language", "dotnet") } };
        return new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { Resource = resource, ScopeSpans = { scope } } } };
    }
}
