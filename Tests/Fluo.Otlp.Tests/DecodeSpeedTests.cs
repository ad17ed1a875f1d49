using System.Diagnostics;
using System.Text;
using Fluo.Otlp.Codec;
using Fluo.Otlp.Traces;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Xunit.Abstractions;

namespace Fluo.Otlp.Tests;

/// <summary>Prints decode speed for both encodings (a measurement, not a timing assertion); checks the results agree.</summary>
public sealed class DecodeSpeedTests(ITestOutputHelper output)
{
    [Fact]
    public void A_large_request_decodes_the_same_in_both_encodings_and_the_speed_is_reported()
    {
        var request = Requests.Many(5000);
        var protobuf = request.ToByteArray();
        var json = Encoding.UTF8.GetBytes(OtlpJson.Format(request));

        var fromProtobuf = Measure("protobuf", protobuf, OtlpEncoding.Protobuf);
        var fromJson = Measure("json", json, OtlpEncoding.Json);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 10; i++)
        {
            OtlpJsonRewriter.ForParsing(json);
        }

        output.WriteLine($"of which the hex-id rewrite: {watch.Elapsed.TotalMilliseconds / 10:F1} ms per request");

        Assert.Equal(request, fromProtobuf);
        Assert.Equal(request, fromJson);
        var flattened = OtlpSpans.Flatten(fromJson);
        Assert.Equal((5000, 1_700_000_000_123_456_789UL + 4999), (flattened.Spans.Count, flattened.Spans[^1].StartUnixNano));
    }

    private ExportTraceServiceRequest Measure(string name, byte[] body, OtlpEncoding encoding)
    {
        var result = OtlpCodec.Decode(body, encoding, ExportTraceServiceRequest.Parser);
        const int rounds = 10;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < rounds; i++)
        {
            result = OtlpCodec.Decode(body, encoding, ExportTraceServiceRequest.Parser);
        }

        var perRequest = watch.Elapsed.TotalMilliseconds / rounds;
        output.WriteLine($"{name}: {body.Length / 1024.0:F0} KiB, 5000 spans, {perRequest:F1} ms per request, {body.Length / perRequest / 1000:F1} MB/s, {5000 / perRequest * 1000:F0} spans/s");
        return result;
    }
}
