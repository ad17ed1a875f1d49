using Fluo.Hosting.Dashboard.Telemetry;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Fluo.Hosting.Dashboard.Otlp;

/// <summary>Stores one OTLP export request, whichever transport brought it (HTTP or gRPC), and gives its response.</summary>
internal static class OtlpExports
{
    public static ExportTraceServiceResponse Export(this TelemetryStore store, ExportTraceServiceRequest request)
    {
        var (spans, response) = OtlpConverter.Convert(request);
        store.Add(spans, [], []);
        return response;
    }

    public static ExportLogsServiceResponse Export(this TelemetryStore store, ExportLogsServiceRequest request)
    {
        store.Add([], OtlpConverter.Convert(request), []);
        return new ExportLogsServiceResponse();
    }

    public static ExportMetricsServiceResponse Export(this TelemetryStore store, ExportMetricsServiceRequest request)
    {
        store.Add([], [], OtlpConverter.Convert(request));
        return new ExportMetricsServiceResponse();
    }
}
