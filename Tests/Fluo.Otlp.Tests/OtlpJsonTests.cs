using System.Text;
using Fluo.Otlp.Codec;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Fluo.Otlp.Tests;

public sealed class OtlpJsonTests
{
    private static ExportTraceServiceRequest ParseJson(string json) => OtlpJson.Parse<ExportTraceServiceRequest>(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void The_sdk_shaped_json_sample_decodes_to_the_same_request_as_its_protobuf()
    {
        var expected = Requests.Sample();
        var fromProtobuf = OtlpCodec.Decode(OtlpCodec.Encode(expected, OtlpEncoding.Protobuf), OtlpEncoding.Protobuf, ExportTraceServiceRequest.Parser);
        var fromJson = OtlpCodec.Decode(File.ReadAllBytes(Requests.SampleJsonPath), OtlpEncoding.Json, ExportTraceServiceRequest.Parser);

        Assert.Equal(expected, fromProtobuf);
        Assert.Equal(expected, fromJson);
    }

    [Fact]
    public void Formatting_writes_hex_ids_lower_camel_names_int_enums_and_parses_back()
    {
        var request = Requests.Sample();
        var json = OtlpJson.Format(request);

        Assert.Contains("\"traceId\": \"5b8efff798038103d269b633813fc60c\"", json, StringComparison.Ordinal);
        Assert.Contains("\"parentSpanId\": \"eee19b7ec3c1b174\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\": 2", json, StringComparison.Ordinal);
        Assert.Contains("\"startTimeUnixNano\": \"1544712660000000000\"", json, StringComparison.Ordinal);
        // bytes values other than ids stay base64, as the OTLP/JSON rules say.
        Assert.Contains("\"bytesValue\": \"AQID\"", json, StringComparison.Ordinal);
        Assert.Equal(request, ParseJson(json));
    }

    [Fact]
    public void Snake_case_names_enum_names_and_64_bit_numbers_beyond_double_precision_are_read_exactly()
    {
        var request = ParseJson("""
            {"resource_spans":[{"scope_spans":[{"spans":[{
              "trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"b7ad6b7169203331","parent_span_id":"",
              "name":"q","kind":"SPAN_KIND_CLIENT",
              "start_time_unix_nano":1700000000123456789,"end_time_unix_nano":"1700000000223456789",
              "attributes":[{"key":"n","value":{"int_value":-9007199254740993}}]}]}]}]}
            """);

        var span = request.ResourceSpans[0].ScopeSpans[0].Spans[0];
        Assert.Equal(Span.Types.SpanKind.Client, span.Kind);
        Assert.Equal(1700000000123456789UL, span.StartTimeUnixNano);
        Assert.Equal(1700000000223456789UL, span.EndTimeUnixNano);
        Assert.Equal(-9007199254740993L, span.Attributes[0].Value.IntValue);
        Assert.True(span.ParentSpanId.IsEmpty);
        Assert.Equal("b7ad6b7169203331", Convert.ToHexStringLower(span.SpanId.Span));
    }

    [Fact]
    public void Log_record_ids_are_hex_too()
    {
        var logs = OtlpJson.Parse<ExportLogsServiceRequest>("""
            {"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",
              "severityNumber":13,"body":{"stringValue":"slow"}}]}]}]}
            """u8);

        var record = logs.ResourceLogs[0].ScopeLogs[0].LogRecords[0];
        Assert.Equal(("0af7651916cd43dd8448eb211c80319c", 13), (Convert.ToHexStringLower(record.TraceId.Span), record.SeverityNumber));
    }

    [Theory]
    [InlineData("{\"resourceSpans\": [", "not valid JSON")]
    [InlineData("", "The body is empty")]
    [InlineData(" \n", "The body is empty")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"W4797/mAOBA9JptjOBP8YA==\"}]}]}]}", "'traceId' must be a hex string")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"spanId\":\"abc\"}]}]}]}", "'spanId' must be a hex string")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":{}}]}]}]}", "not a valid OTLP/JSON ExportTraceServiceRequest")]
    [InlineData("{\"resourceSpans\":{}}", "not a valid OTLP/JSON ExportTraceServiceRequest")]
    [InlineData("[1,2]", "not a valid OTLP/JSON ExportTraceServiceRequest")]
    public void Malformed_json_is_an_OtlpFormatException_saying_what_is_wrong(string json, string expected)
    {
        var error = Assert.Throws<OtlpFormatException>(() => ParseJson(json));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_protobuf_is_an_OtlpFormatException_naming_the_message()
    {
        var error = Assert.Throws<OtlpFormatException>(() =>
            OtlpCodec.Decode([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01], OtlpEncoding.Protobuf, ExportTraceServiceRequest.Parser));
        Assert.Contains("not a valid OTLP protobuf ExportTraceServiceRequest", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/x-protobuf", true, OtlpEncoding.Protobuf)]
    [InlineData("application/json", true, OtlpEncoding.Json)]
    [InlineData("application/json; charset=utf-8", true, OtlpEncoding.Json)]
    [InlineData("Application/JSON", true, OtlpEncoding.Json)]
    [InlineData("application/protobuf", false, OtlpEncoding.Protobuf)]
    [InlineData("text/plain", false, OtlpEncoding.Protobuf)]
    [InlineData(null, false, OtlpEncoding.Protobuf)]
    public void Content_types_map_to_encodings(string? contentType, bool known, OtlpEncoding encoding)
    {
        Assert.Equal((known, encoding), (OtlpContentTypes.TryParse(contentType, out var parsed), parsed));
    }
}
