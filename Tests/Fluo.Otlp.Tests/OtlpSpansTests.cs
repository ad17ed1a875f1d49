using Fluo.Otlp.Traces;
using Fluo.Otlp.Values;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Fluo.Otlp.Tests;

public sealed class OtlpSpansTests
{
    [Fact]
    public void Flatten_folds_in_service_and_scope_with_hex_ids_parents_and_kinds()
    {
        var batch = OtlpSpans.Flatten(Requests.Sample());

        Assert.Equal((3, 0L, null), (batch.Spans.Count, batch.RejectedSpans, batch.ErrorMessage));
        var (server, producer, consumer) = (batch.Spans[0], batch.Spans[1], batch.Spans[2]);
        Assert.Equal(("5b8efff798038103d269b633813fc60c", "eee19b7ec3c1b174", null), (server.TraceId, server.SpanId, server.ParentSpanId));
        Assert.Equal(("checkout", "checkout-1", "@opentelemetry/instrumentation-http"), (server.ServiceName, server.ServiceInstanceId, server.ScopeName));
        Assert.Equal((Span.Types.SpanKind.Server, Status.Types.StatusCode.Error, "upstream timed out"), (server.Kind, server.StatusCode, server.StatusMessage));
        Assert.Equal((1544712660000000000UL, 1544712661500000000UL, 1500.0), (server.StartUnixNano, server.EndUnixNano, server.DurationMs));
        Assert.Equal(new DateTimeOffset(2018, 12, 13, 14, 51, 0, TimeSpan.Zero), server.Start);

        Assert.Equal((Span.Types.SpanKind.Producer, server.SpanId, Status.Types.StatusCode.Unset, null), (producer.Kind, producer.ParentSpanId, producer.StatusCode, producer.StatusMessage));
        Assert.Equal((Span.Types.SpanKind.Consumer, producer.SpanId, Status.Types.StatusCode.Ok), (consumer.Kind, consumer.ParentSpanId, consumer.StatusCode));
        Assert.Equal((OtlpAttributes.UnknownService, null, ""), (consumer.ServiceName, consumer.ServiceInstanceId, consumer.ScopeName));
    }

    [Fact]
    public void Attributes_keep_their_types_and_arrays_maps_and_bytes_become_text()
    {
        var attributes = OtlpSpans.Flatten(Requests.Sample()).Spans[0].Attributes;

        Assert.Equal(OtlpValue.FromString("POST"), attributes["http.request.method"]);
        Assert.Equal(OtlpValue.FromInt(503), attributes["http.response.status_code"]);
        Assert.Equal(OtlpValue.FromDouble(0.25), attributes["retry.ratio"]);
        Assert.Equal(OtlpValue.FromBool(false), attributes["cache.hit"]);
        Assert.Equal(OtlpValue.FromString("[\"a\",2]"), attributes["tags"]);
        Assert.Equal(OtlpValue.FromString("{\"team\":\"payments\"}"), attributes["owner"]);
        Assert.Equal(OtlpValue.FromString("AQID"), attributes["digest"]);
        Assert.Equal(["503", "0.25", "false"], new[] { "http.response.status_code", "retry.ratio", "cache.hit" }.Select(k => attributes[k].ToString()));
    }

    [Fact]
    public void Events_and_links_are_kept()
    {
        var server = OtlpSpans.Flatten(Requests.Sample()).Spans[0];

        var exception = Assert.Single(server.Events);
        Assert.Equal(("exception", 1544712660500000000UL, "TimeoutException"), (exception.Name, exception.TimeUnixNano, exception.Attributes["exception.type"].StringValue));
        var link = Assert.Single(server.Links);
        Assert.Equal(("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"), (link.TraceId, link.SpanId));
    }

    [Fact]
    public void Spans_with_invalid_ids_are_rejected_and_reported_as_partial_success()
    {
        var request = Requests.Sample();
        var spans = request.ResourceSpans[0].ScopeSpans[0].Spans;
        spans.Add(new Span { TraceId = ByteString.CopyFrom(new byte[16]), SpanId = Requests.Id("0000000000000001"), Name = "zero trace" });
        spans.Add(new Span { TraceId = Requests.Id("0af7651916cd43dd8448eb211c80319c"), SpanId = Requests.Id("01"), Name = "short span id" });
        spans.Add(new Span { TraceId = Requests.Id("0af7651916cd43dd8448eb211c80319c"), SpanId = Requests.Id("0000000000000001"), ParentSpanId = Requests.Id("01"), Name = "short parent" });

        var batch = OtlpSpans.Flatten(request);

        Assert.Equal((3, 3L), (batch.Spans.Count, batch.RejectedSpans));
        Assert.Contains("'zero trace' of service 'checkout'", batch.ErrorMessage, StringComparison.Ordinal);
        var response = batch.ToResponse();
        Assert.Equal((3L, batch.ErrorMessage), (response.PartialSuccess.RejectedSpans, response.PartialSuccess.ErrorMessage));
        Assert.Null(OtlpSpans.Flatten(Requests.Sample()).ToResponse().PartialSuccess);
    }

    [Fact]
    public void An_empty_request_flattens_to_nothing()
    {
        var batch = OtlpSpans.Flatten(new ExportTraceServiceRequest());
        Assert.Equal((0, 0L), (batch.Spans.Count, batch.RejectedSpans));
    }
}
