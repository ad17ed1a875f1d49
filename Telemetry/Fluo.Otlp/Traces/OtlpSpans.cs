using Fluo.Otlp.Values;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Fluo.Otlp.Traces;

/// <summary>Flattens OTLP trace export requests into <see cref="OtlpSpan"/> records.</summary>
public static class OtlpSpans
{
    /// <summary>
    /// Every span of <paramref name="request"/> with its resource's service and its scope. A span whose trace id is
    /// not 16 bytes (or all zero), whose span id is not 8 bytes (or all zero), or whose parent id is neither empty
    /// nor 8 bytes is rejected and counted, as OTLP partial success allows.
    /// </summary>
    public static OtlpSpanBatch Flatten(ExportTraceServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var spans = new List<OtlpSpan>();
        long rejected = 0;
        string? error = null;
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var (service, instance) = OtlpAttributes.ServiceOf(resourceSpans.Resource);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scope = scopeSpans.Scope?.Name ?? string.Empty;
                foreach (var span in scopeSpans.Spans)
                {
                    var problem = Validate(span);
                    if (problem is not null)
                    {
                        rejected++;
                        error ??= $"Span '{span.Name}' of service '{service}' was rejected: {problem}.";
                        continue;
                    }

                    spans.Add(new OtlpSpan(
                        Hex(span.TraceId), Hex(span.SpanId), span.ParentSpanId.IsEmpty ? null : Hex(span.ParentSpanId), span.Name, span.Kind,
                        service, instance, scope, span.StartTimeUnixNano, span.EndTimeUnixNano,
                        span.Status?.Code ?? Status.Types.StatusCode.Unset, string.IsNullOrEmpty(span.Status?.Message) ? null : span.Status.Message,
                        OtlpAttributes.ToDictionary(span.Attributes),
                        span.Events.Select(e => new OtlpSpanEvent(e.Name, e.TimeUnixNano, OtlpAttributes.ToDictionary(e.Attributes))).ToList(),
                        span.Links.Select(l => new OtlpSpanLink(Hex(l.TraceId), Hex(l.SpanId), OtlpAttributes.ToDictionary(l.Attributes))).ToList()));
                }
            }
        }

        return new OtlpSpanBatch(spans, rejected, error);
    }

    /// <summary>Bytes as lowercase hex, the form OTLP/JSON and W3C trace context use for ids.</summary>
    public static string Hex(ByteString bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Convert.ToHexStringLower(bytes.Span);
    }

    private static string? Validate(Span span)
    {
        if (span.TraceId.Length != 16 || IsZero(span.TraceId))
        {
            return $"trace id must be 16 non-zero bytes, got {span.TraceId.Length} bytes";
        }

        if (span.SpanId.Length != 8 || IsZero(span.SpanId))
        {
            return $"span id must be 8 non-zero bytes, got {span.SpanId.Length} bytes";
        }

        return span.ParentSpanId.IsEmpty || span.ParentSpanId.Length == 8 ? null : $"parent span id must be empty or 8 bytes, got {span.ParentSpanId.Length} bytes";
    }

    private static bool IsZero(ByteString bytes) => !bytes.Span.ContainsAnyExcept((byte)0);
}
