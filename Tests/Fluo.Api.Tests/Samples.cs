using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Fluo.Api.Tests;

/// <summary>Request bodies for the tests.</summary>
internal static class Samples
{
    public static string NewTraceId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string NewSpanId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>A compact Fluo JSON trace with a root span and <paramref name="children"/> children.</summary>
    public static string FluoTrace(string traceId, int children = 2)
    {
        var root = NewSpanId();
        var json = new StringBuilder();
        json.Append($$$"""{"traceId":"{{{traceId}}}","spans":[{"spanId":"{{{root}}}","name":"GET /cart","service":"frontend","start":"2025-01-01T12:00:00Z","durationMs":120.5,"status":"ok","attributes":{"http.status_code":200,"http.route":"/cart","cached":false}}""");
        for (var i = 0; i < children; i++)
        {
            json.Append($$""",{"spanId":"{{NewSpanId()}}","parentSpanId":"{{root}}","name":"db.query","service":"cart","start":"2025-01-01T12:00:00.010Z","durationMs":{{40 + i}}}""");
        }

        return json.Append("]}").ToString();
    }

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>An OTLP export with two services and <paramref name="traceIds"/>.Length traces of two spans each.</summary>
    public static ExportTraceServiceRequest Otlp(params string[] traceIds)
    {
        var request = new ExportTraceServiceRequest();
        foreach (var service in new[] { "checkout", "payments" })
        {
            var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "test" } };
            foreach (var traceId in traceIds)
            {
                scope.Spans.Add(new Span
                {
                    TraceId = ByteString.CopyFrom(Convert.FromHexString(traceId)),
                    SpanId = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(8)),
                    Name = service == "checkout" ? "POST /checkout" : "charge",
                    Kind = Span.Types.SpanKind.Server,
                    StartTimeUnixNano = 1_735_732_800_000_000_000,
                    EndTimeUnixNano = 1_735_732_800_250_000_000,
                    Status = new Status { Code = service == "payments" ? Status.Types.StatusCode.Error : Status.Types.StatusCode.Ok },
                    Attributes = { new KeyValue { Key = "http.status_code", Value = new AnyValue { IntValue = service == "payments" ? 502 : 200 } } },
                });
            }

            request.ResourceSpans.Add(new ResourceSpans
            {
                Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } } } },
                ScopeSpans = { scope },
            });
        }

        return request;
    }

    /// <summary>OTLP/JSON: the protobuf JSON mapping with ids as hex instead of base64, as the OTLP spec asks.</summary>
    public static string OtlpJson(ExportTraceServiceRequest request) =>
        System.Text.RegularExpressions.Regex.Replace(JsonFormatter.Default.Format(request), "\"(traceId|spanId|parentSpanId)\": ?\"([^\"]*)\"",
            m => $"\"{m.Groups[1].Value}\":\"{Convert.ToHexStringLower(Convert.FromBase64String(m.Groups[2].Value))}\"");
}
