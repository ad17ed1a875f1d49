using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Fluo.Contracts;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Traces;

namespace Fluo.Api.Tests;

/// <summary>
/// <see cref="TraceSpanJsonConverter"/> reads what the serializer's generated metadata reads, and refuses what it
/// refuses: each body is read both ways, strictly (the Api's requests) and leniently (the workers' job payloads).
/// </summary>
public sealed class TraceSpanJsonConverterTests
{
    private const string Root = "aaaaaaaaaaaaaaaa";

    private static readonly JsonSerializerOptions StrictGenerated = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        TypeInfoResolver = FluoJsonContext.Default,
    };

    private static readonly JsonSerializerOptions StrictConverted = FluoJsonContext.WithTraceSpanConverter(new(StrictGenerated));

    public static TheoryData<string> Spans() =>
    [
        $$$"""{"spanId":"{{{Root}}}","name":"GET /cart","service":"shop","start":"2025-01-01T12:00:00Z","durationMs":120.5,"status":"ok","attributes":{"http.status_code":200,"route":"/cart","cached":false}}""",
        $$$"""{"spanId":"{{{Root}}}","parentSpanId":"bbbbbbbbbbbbbbbb","name":"db","service":"cart","start":"2025-01-01T12:00:00.0101234+02:00","durationMs":3}""",
        $$$"""{"SpanId":"{{{Root}}}","NAME":"a","Service":"s","START":"2025-01-01T00:00:00Z","DurationMS":1,"Status":"error","ATTRIBUTES":{}}""",
        $$$"""{"span\u0049d":"{{{Root}}}","n\u0061me":"escaped","service":"s","start":"2025-01-01T00:00:00Z","durationMs":1}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":"12.5"}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":"4e1"}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":"abc"}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":" 1"}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":"NaN"}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":1e400}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":null}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":true}""",
        $$$"""{"spanId":null,"parentSpanId":null,"name":null,"service":null,"start":"2025-01-01T00:00:00Z","durationMs":1,"attributes":null}""",
        """{"name":"missing most members"}""",
        "{}",
        $$$"""{"spanId":42,"name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":1}""",
        $$$"""{"spanId":"{{{Root}}}","name":["a"],"service":"s","start":"2025-01-01T00:00:00Z","durationMs":1}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"yesterday","durationMs":1}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":null,"durationMs":1}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":1735689600,"durationMs":1}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":1,"status":"OK"}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":1,"status":2}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":1,"status":"bogus"}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":1,"status":null}""",
        $$$$"""{"spanId":"{{{{Root}}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":1,"attributes":{"nested":{"a":1}}}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":1,"attributes":"text"}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":1,"attributes":{"k":"v","k":"w"}}""",
        $$$"""{"spanId":"{{{Root}}}","name":"first","name":"second","service":"s","start":"2025-01-01T00:00:00Z","durationMs":1}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":1,"kind":"server"}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":1,"extra":{"deep":[1,{"x":null}]}}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":1,"duration":"00:00:01"}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":1,"status":"\u006fk"}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":1,"attributes":{"k":null}}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":1,"attributes":{"k":[1]}}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":1,"attributes":{"a":1.5,"b":"x","c":true,"d\u00e9":"\u00e9"}}""",
        $$$"""{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":1,"DURATION":{"not":"a timespan"}}""",
        "null",
        "[]",
        "\"span\"",
        "17",
    ];

    [Theory]
    [MemberData(nameof(Spans))]
    public void A_trace_reads_as_the_generated_metadata_reads_it_strictly_and_leniently(string span)
    {
        var trace = $$$"""{"traceId":"0123456789abcdef0123456789abcdef","spans":[{{{span}}}]}""";
        AssertSameOutcome(Read(trace, (JsonTypeInfo<TraceDocument>)StrictGenerated.GetTypeInfo(typeof(TraceDocument)), Writer<TraceDocument>()),
            Read(trace, (JsonTypeInfo<TraceDocument>)StrictConverted.GetTypeInfo(typeof(TraceDocument)), Writer<TraceDocument>()), trace);

        var job = $$$"""{"jobId":"{{{Guid.CreateVersion7()}}}","trace":{{{trace}}},"acceptedAt":"2025-01-01T00:00:00Z"}""";
        AssertSameOutcome(Read(job, FluoJsonContext.Default.TraceAnalysisJob, Writer<TraceAnalysisJob>()),
            Read(job, FluoJsonContext.Traces.TraceAnalysisJob, Writer<TraceAnalysisJob>()), job);
    }

    [Fact]
    public void A_member_that_does_not_convert_is_named_in_the_error()
    {
        var trace = $$$"""{"traceId":"0123456789abcdef0123456789abcdef","spans":[{"spanId":"{{{Root}}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":"soon"}]}""";

        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(trace, (JsonTypeInfo<TraceDocument>)StrictConverted.GetTypeInfo(typeof(TraceDocument))));

        Assert.Contains("'durationMs'", error.Message, StringComparison.Ordinal);
        Assert.Equal("$.spans[0]", error.Path);
    }

    [Fact]
    public void Spans_are_written_as_the_generated_metadata_writes_them()
    {
        var trace = new TraceDocument("0123456789abcdef0123456789abcdef",
        [
            new TraceSpan(Root, null, "GET \"ü\"", "shop", new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.FromHours(2)), 1.5, SpanStatus.Error,
                new Dictionary<string, AttributeValue> { ["code"] = AttributeValue.FromNumber(503), ["ok"] = AttributeValue.FromBool(false) }),
            new TraceSpan("bbbbbbbbbbbbbbbb", Root, "child", "cart", DateTimeOffset.UnixEpoch, 0),
        ]);

        Assert.Equal(JsonSerializer.Serialize(trace, FluoJsonContext.Default.TraceDocument), JsonSerializer.Serialize(trace, FluoJsonContext.Traces.TraceDocument));
    }

    // One writer for every value read.
    private static JsonTypeInfo<T> Writer<T>() => (JsonTypeInfo<T>)FluoJsonContext.Default.Options.GetTypeInfo(typeof(T));

    /// <summary>What <paramref name="reader"/> makes of <paramref name="json"/>, written back by one writer for all, or its error.</summary>
    private static (string? Value, string? Error) Read<T>(string json, JsonTypeInfo<T> reader, JsonTypeInfo<T> writer)
    {
        try
        {
            var value = JsonSerializer.Deserialize(json, reader);
            return (value is null ? "null" : Write(value, writer), null);
        }
        catch (JsonException ex)
        {
            return (null, ex.Message);
        }
    }

    // A duration of NaN or infinity reads (the Api's validation refuses it later) but cannot be written back as JSON.
    private static string Write<T>(T value, JsonTypeInfo<T> writer)
    {
        try
        {
            return JsonSerializer.Serialize(value, writer);
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException)
        {
            return value is TraceDocument { Spans: [var span] } ? $"unwritable, durationMs {span.DurationMs}"
                : value is TraceAnalysisJob { Trace.Spans: [var inJob] } ? $"unwritable, durationMs {inJob.DurationMs}"
                : throw new InvalidOperationException("Only a span's duration should be unwritable.", ex);
        }
    }

    private static void AssertSameOutcome((string? Value, string? Error) generated, (string? Value, string? Error) converted, string json)
    {
        Assert.True(generated.Error is null == converted.Error is null,
            $"For {json}: the generated metadata {(generated.Error is null ? "read it" : "refused it (" + generated.Error + ")")}, the converter {(converted.Error is null ? "read it" : "refused it (" + converted.Error + ")")}.");
        Assert.Equal(generated.Value, converted.Value);
    }
}
