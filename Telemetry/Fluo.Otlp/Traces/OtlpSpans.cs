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
                    var problem = Validate(span.TraceId.Span, span.SpanId.Span, span.ParentSpanId.Span);
                    if (problem is not null)
                    {
                        rejected++;
                        error ??= Rejection(span.Name, service, problem);
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

    /// <summary>Why a span with these ids is rejected, or null when they are valid.</summary>
    internal static string? Validate(ReadOnlySpan<byte> traceId, ReadOnlySpan<byte> spanId, ReadOnlySpan<byte> parentSpanId)
    {
        if (traceId.Length != 16 || !traceId.ContainsAnyExcept((byte)0))
        {
            return $"trace id must be 16 non-zero bytes, got {traceId.Length} bytes";
        }

        if (spanId.Length != 8 || !spanId.ContainsAnyExcept((byte)0))
        {
            return $"span id must be 8 non-zero bytes, got {spanId.Length} bytes";
        }

        return parentSpanId.IsEmpty || parentSpanId.Length == 8 ? null : $"parent span id must be empty or 8 bytes, got {parentSpanId.Length} bytes";
    }

    /// <summary>The partial-success message for the first rejected span.</summary>
    internal static string Rejection(string spanName, string service, string problem) => $"Span '{spanName}' of service '{service}' was rejected: {problem}.";
}
