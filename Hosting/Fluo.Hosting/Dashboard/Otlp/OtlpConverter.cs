using Fluo.Hosting.Dashboard.Telemetry;
using Fluo.Otlp.Traces;
using Fluo.Otlp.Values;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Fluo.Hosting.Dashboard.Otlp;

/// <summary>Turns OTLP messages into the dashboard's records.</summary>
internal static class OtlpConverter
{
    private static readonly TextPool Pool = new(4096);

    /// <summary>An export's spans as stored spans.</summary>
    public static List<StoredSpan> Convert(OtlpSpanBatch batch) =>
        batch.Spans.Select(span => new StoredSpan(
            span.TraceId, span.SpanId, span.ParentSpanId, Pool.Share(span.Name), KindName(span.Kind), Pool.Share(span.ServiceName),
            Pool.ShareOrNull(span.ServiceInstanceId), Pool.Share(span.ScopeName),
            span.Start, span.End,
            span.StatusCode switch { Status.Types.StatusCode.Error => "Error", Status.Types.StatusCode.Ok => "Ok", _ => "Unset" },
            span.StatusMessage, Texts(span.Attributes),
            span.Events.Count == 0 ? [] : [.. span.Events.Select(e => new StoredSpanEvent(Pool.Share(e.Name), e.Time, Texts(e.Attributes)))],
            span.Links.Count == 0 ? [] : [.. span.Links.Select(l => new StoredSpanLink(l.TraceId, l.SpanId, Texts(l.Attributes)))])).ToList();

    public static List<StoredLog> Convert(ExportLogsServiceRequest request)
    {
        var result = new List<StoredLog>();
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var (service, instance) = OtlpAttributes.ServiceOf(resourceLogs.Resource);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                var category = scopeLogs.Scope?.Name ?? string.Empty;
                foreach (var log in scopeLogs.LogRecords)
                {
                    var time = log.TimeUnixNano != 0 ? log.TimeUnixNano : log.ObservedTimeUnixNano;
                    result.Add(new StoredLog(Time(time), service, instance, category, log.SeverityNumber,
                        string.IsNullOrEmpty(log.SeverityText) ? SeverityName(log.SeverityNumber) : log.SeverityText,
                        OtlpValue.From(log.Body).ToString(),
                        log.TraceId.IsEmpty ? null : OtlpSpans.Hex(log.TraceId), log.SpanId.IsEmpty ? null : OtlpSpans.Hex(log.SpanId),
                        Attributes(log.Attributes)));
                }
            }
        }

        return result;
    }

    public static List<StoredMetricPoint> Convert(ExportMetricsServiceRequest request)
    {
        var result = new List<StoredMetricPoint>();
        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var (service, instance) = OtlpAttributes.ServiceOf(resourceMetrics.Resource);
            foreach (var scopeMetrics in resourceMetrics.ScopeMetrics)
            {
                var meter = scopeMetrics.Scope?.Name ?? string.Empty;
                foreach (var metric in scopeMetrics.Metrics)
                {
                    StoredMetricPoint Number(NumberDataPoint p, string type) => new(service, instance, meter, metric.Name, metric.Unit, type,
                        Time(p.TimeUnixNano), p.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? p.AsInt : p.AsDouble, null, null, null, null, Attributes(p.Attributes));

                    switch (metric.DataCase)
                    {
                        case Metric.DataOneofCase.Gauge:
                            result.AddRange(metric.Gauge.DataPoints.Select(p => Number(p, "gauge")));
                            break;
                        case Metric.DataOneofCase.Sum:
                            result.AddRange(metric.Sum.DataPoints.Select(p => Number(p, metric.Sum.IsMonotonic ? "counter" : "updowncounter")));
                            break;
                        case Metric.DataOneofCase.Histogram:
                            result.AddRange(metric.Histogram.DataPoints.Select(p => new StoredMetricPoint(service, instance, meter, metric.Name, metric.Unit,
                                "histogram", Time(p.TimeUnixNano), null, (long)p.Count, p.HasSum ? p.Sum : null, p.ExplicitBounds.ToList(),
                                p.BucketCounts.ToList(), Attributes(p.Attributes))));
                            break;
                    }
                }
            }
        }

        return result;
    }

    private static Dictionary<string, string> Texts(IReadOnlyDictionary<string, OtlpValue> attributes) =>
        attributes.ToDictionary(a => Pool.Share(a.Key), a => Pool.ShareValue(a.Value.ToString()), StringComparer.Ordinal);

    private static Dictionary<string, string> Attributes(RepeatedField<KeyValue> attributes) => Texts(OtlpAttributes.ToDictionary(attributes));

    private static DateTimeOffset Time(ulong unixNano) => OtlpTime.ToDateTimeOffset(unixNano);

    private static string KindName(Span.Types.SpanKind kind) => kind switch
    {
        Span.Types.SpanKind.Server => "Server",
        Span.Types.SpanKind.Client => "Client",
        Span.Types.SpanKind.Producer => "Producer",
        Span.Types.SpanKind.Consumer => "Consumer",
        _ => "Internal",
    };

    private static string SeverityName(int number) => number switch
    {
        >= 21 => "Critical",
        >= 17 => "Error",
        >= 13 => "Warning",
        >= 9 => "Information",
        >= 5 => "Debug",
        >= 1 => "Trace",
        _ => "Unspecified",
    };
}
