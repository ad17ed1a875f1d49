using System.Globalization;
using Fluo.Hosting.Dashboard.Otlp.Proto;
using Fluo.Hosting.Dashboard.Telemetry;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace Fluo.Hosting.Dashboard.Otlp;

/// <summary>Turns OTLP messages into the dashboard's records.</summary>
internal static class OtlpConverter
{
    public static List<StoredSpan> Convert(ExportTraceServiceRequest request)
    {
        var result = new List<StoredSpan>();
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var (service, instance) = Identify(resourceSpans.Resource?.Attributes);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scope = scopeSpans.Scope?.Name ?? string.Empty;
                foreach (var span in scopeSpans.Spans)
                {
                    result.Add(new StoredSpan(
                        Hex(span.TraceId), Hex(span.SpanId), span.ParentSpanId.IsEmpty ? null : Hex(span.ParentSpanId), span.Name,
                        KindName(span.Kind), service, instance, scope, Time(span.StartTimeUnixNano), Time(span.EndTimeUnixNano),
                        span.Status?.Code switch { Status.Types.StatusCode.Error => "Error", Status.Types.StatusCode.Ok => "Ok", _ => "Unset" },
                        string.IsNullOrEmpty(span.Status?.Message) ? null : span.Status.Message,
                        Attributes(span.Attributes),
                        span.Events.Select(e => new StoredSpanEvent(e.Name, Time(e.TimeUnixNano), Attributes(e.Attributes))).ToList(),
                        span.Links.Select(l => new StoredSpanLink(Hex(l.TraceId), Hex(l.SpanId), Attributes(l.Attributes))).ToList()));
                }
            }
        }

        return result;
    }

    public static List<StoredLog> Convert(ExportLogsServiceRequest request)
    {
        var result = new List<StoredLog>();
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var (service, instance) = Identify(resourceLogs.Resource?.Attributes);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                var category = scopeLogs.Scope?.Name ?? string.Empty;
                foreach (var log in scopeLogs.LogRecords)
                {
                    var time = log.TimeUnixNano != 0 ? log.TimeUnixNano : log.ObservedTimeUnixNano;
                    result.Add(new StoredLog(Time(time), service, instance, category, log.SeverityNumber,
                        string.IsNullOrEmpty(log.SeverityText) ? SeverityName(log.SeverityNumber) : log.SeverityText,
                        log.Body is null ? string.Empty : Text(log.Body),
                        log.TraceId.IsEmpty ? null : Hex(log.TraceId), log.SpanId.IsEmpty ? null : Hex(log.SpanId),
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
            var (service, instance) = Identify(resourceMetrics.Resource?.Attributes);
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

    private static (string Service, string? Instance) Identify(RepeatedField<KeyValue>? attributes)
    {
        string service = "unknown_service";
        string? instance = null;
        if (attributes is not null)
        {
            foreach (var attribute in attributes)
            {
                if (attribute.Key == "service.name")
                {
                    service = Text(attribute.Value);
                }
                else if (attribute.Key == "service.instance.id")
                {
                    instance = Text(attribute.Value);
                }
            }
        }

        return (service, instance);
    }

    private static Dictionary<string, string> Attributes(RepeatedField<KeyValue> attributes)
    {
        var result = new Dictionary<string, string>(attributes.Count, StringComparer.Ordinal);
        foreach (var attribute in attributes)
        {
            result[attribute.Key] = attribute.Value is null ? string.Empty : Text(attribute.Value);
        }

        return result;
    }

    private static string Text(AnyValue value) => value.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.ArrayValue => "[" + string.Join(", ", value.ArrayValue.Values.Select(Text)) + "]",
        AnyValue.ValueOneofCase.KvlistValue => "{" + string.Join(", ", value.KvlistValue.Values.Select(kv => $"{kv.Key}: {(kv.Value is null ? "" : Text(kv.Value))}")) + "}",
        AnyValue.ValueOneofCase.BytesValue => System.Convert.ToBase64String(value.BytesValue.Span),
        _ => string.Empty,
    };

    private static string Hex(ByteString bytes) => System.Convert.ToHexStringLower(bytes.Span);

    private static DateTimeOffset Time(ulong unixNano) => DateTimeOffset.UnixEpoch.AddTicks((long)(unixNano / 100));

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
