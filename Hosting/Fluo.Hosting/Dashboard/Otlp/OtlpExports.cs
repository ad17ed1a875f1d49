using Fluo.Hosting.Dashboard.Telemetry;
using Fluo.Otlp.Traces;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Fluo.Hosting.Dashboard.Otlp;

/// <summary>Stores one OTLP export request, whichever transport brought it (HTTP or gRPC), and gives its response.</summary>
internal static class OtlpExports
{
    /// <summary>Stores an export's spans, read or flattened; the response says how many were rejected.</summary>
    public static ExportTraceServiceResponse Export(this TelemetryStore store, OtlpSpanBatch batch)
    {
        store.Add(OtlpConverter.Convert(batch), [], []);
        return batch.ToResponse();
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
