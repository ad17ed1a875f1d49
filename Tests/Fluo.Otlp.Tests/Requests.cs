using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Fluo.Otlp.Tests;

/// <summary>Builds the protobuf request that Samples/trace-sdk.json encodes, field by field.</summary>
internal static class Requests
{
    public static string SampleJsonPath => Path.Combine(AppContext.BaseDirectory, "Samples", "trace-sdk.json");

    public static ExportTraceServiceRequest Sample()
    {
        var server = new Span
        {
            TraceId = Id("5b8efff798038103d269b633813fc60c"), SpanId = Id("eee19b7ec3c1b174"), Name = "POST /orders",
            Kind = Span.Types.SpanKind.Server, StartTimeUnixNano = 1544712660000000000, EndTimeUnixNano = 1544712661500000000,
            Status = new Status { Code = Status.Types.StatusCode.Error, Message = "upstream timed out" }, Flags = 257,
        };
        server.Attributes.Add(Kv("http.request.method", new AnyValue { StringValue = "POST" }));
        server.Attributes.Add(Kv("http.response.status_code", new AnyValue { IntValue = 503 }));
        server.Attributes.Add(Kv("retry.ratio", new AnyValue { DoubleValue = 0.25 }));
        server.Attributes.Add(Kv("cache.hit", new AnyValue { BoolValue = false }));
        server.Attributes.Add(Kv("tags", new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { StringValue = "a" }, new AnyValue { IntValue = 2 } } } }));
        server.Attributes.Add(Kv("owner", new AnyValue { KvlistValue = new KeyValueList { Values = { Kv("team", new AnyValue { StringValue = "payments" }) } } }));
        server.Attributes.Add(Kv("digest", new AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 3) }));
        server.Events.Add(new Span.Types.Event { TimeUnixNano = 1544712660500000000, Name = "exception", Attributes = { Kv("exception.type", new AnyValue { StringValue = "TimeoutException" }) } });
        server.Links.Add(new Span.Types.Link { TraceId = Id("0af7651916cd43dd8448eb211c80319c"), SpanId = Id("b7ad6b7169203331") });

        var producer = new Span
        {
            TraceId = server.TraceId, SpanId = Id("eee19b7ec3c1b175"), ParentSpanId = server.SpanId, Name = "publish orders.created",
            Kind = Span.Types.SpanKind.Producer, StartTimeUnixNano = 1544712660100000000, EndTimeUnixNano = 1544712660200000000, Status = new Status(),
        };
        var consumer = new Span
        {
            TraceId = server.TraceId, SpanId = Id("eee19b7ec3c1b176"), ParentSpanId = producer.SpanId, Name = "process orders.created",
            Kind = Span.Types.SpanKind.Consumer, StartTimeUnixNano = 1544712660300000000, EndTimeUnixNano = 1544712660400000000,
            Status = new Status { Code = Status.Types.StatusCode.Ok },
        };

        var checkout = new Resource
        {
            Attributes =
            {
                Kv("service.name", new AnyValue { StringValue = "checkout" }),
                Kv("service.instance.id", new AnyValue { StringValue = "checkout-1" }),
                Kv("telemetry.sdk.language", new AnyValue { StringValue = "nodejs" }),
            },
        };
        return new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                new ResourceSpans
                {
                    Resource = checkout,
                    ScopeSpans = { new ScopeSpans { Scope = new InstrumentationScope { Name = "@opentelemetry/instrumentation-http", Version = "0.52.0" }, Spans = { server, producer } } },
                },
                new ResourceSpans { Resource = new Resource(), ScopeSpans = { new ScopeSpans { Scope = new InstrumentationScope(), Spans = { consumer } } } },
            },
        };
    }

    /// <summary>A request with <paramref name="count"/> spans of a few attributes each, for size and speed checks.</summary>
    public static ExportTraceServiceRequest Many(int count)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "bulk" } };
        for (var i = 0; i < count; i++)
        {
            var span = new Span
            {
                TraceId = Id($"{i + 1:x32}"), SpanId = Id($"{i + 1:x16}"), Name = $"span {i}", Kind = Span.Types.SpanKind.Client,
                StartTimeUnixNano = 1_700_000_000_123_456_789UL + (ulong)i, EndTimeUnixNano = 1_700_000_000_223_456_789UL + (ulong)i,
            };
            span.Attributes.Add(Kv("db.system", new AnyValue { StringValue = "postgresql" }));
            span.Attributes.Add(Kv("db.rows", new AnyValue { IntValue = i }));
            span.Attributes.Add(Kv("db.statement", new AnyValue { StringValue = "SELECT * FROM rules WHERE id = $1" }));
            scope.Spans.Add(span);
        }

        return new ExportTraceServiceRequest
        {
            ResourceSpans = { new ResourceSpans { Resource = new Resource { Attributes = { Kv("service.name", new AnyValue { StringValue = "bulk" }) } }, ScopeSpans = { scope } } },
        };
    }

    public static ByteString Id(string hex) => ByteString.CopyFrom(Convert.FromHexString(hex));

    public static KeyValue Kv(string key, AnyValue value) => new() { Key = key, Value = value };

    public static KeyValue Kv(string key, string value) => Kv(key, new AnyValue { StringValue = value });
}
