using Fluo.Contracts.Traces;
using Fluo.Otlp.Traces;
using Fluo.Otlp.Values;
using OtlpStatusCode = OpenTelemetry.Proto.Trace.V1.Status.Types.StatusCode;

namespace Fluo.Api.Traces;

/// <summary>Maps flattened OTLP spans to Fluo traces: one <see cref="TraceDocument"/> per trace id, in arrival order.</summary>
internal static class OtlpTraceMapper
{
    public static List<TraceDocument> ToTraces(IReadOnlyList<OtlpSpan> spans)
    {
        var byTrace = new Dictionary<string, List<TraceSpan>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var span in spans)
        {
            if (!byTrace.TryGetValue(span.TraceId, out var list))
            {
                byTrace[span.TraceId] = list = [];
                order.Add(span.TraceId);
            }

            list.Add(new TraceSpan(
                span.SpanId,
                span.ParentSpanId,
                span.Name.Length == 0 ? "(unnamed)" : span.Name,
                span.ServiceName,
                span.Start,
                span.DurationMs,
                span.StatusCode switch
                {
                    OtlpStatusCode.Ok => SpanStatus.Ok,
                    OtlpStatusCode.Error => SpanStatus.Error,
                    _ => SpanStatus.Unset,
                },
                span.Attributes.Count == 0 ? null : span.Attributes.ToDictionary(a => a.Key, a => ToValue(a.Value), StringComparer.Ordinal)));
        }

        return [.. order.Select(id => new TraceDocument(id, byTrace[id]))];
    }

    private static AttributeValue ToValue(OtlpValue value) => value.Kind switch
    {
        OtlpValueKind.IntValue => AttributeValue.FromNumber(value.IntValue),
        OtlpValueKind.DoubleValue => AttributeValue.FromNumber(value.DoubleValue),
        OtlpValueKind.BoolValue => AttributeValue.FromBool(value.BoolValue),
        _ => AttributeValue.FromString(value.ToString()),
    };
}
