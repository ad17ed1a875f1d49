using Fluo.Hosting.Dashboard.Telemetry;
using Fluo.Otlp.Http;
using Microsoft.AspNetCore.Routing;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;

namespace Fluo.Hosting.Dashboard.Otlp;

/// <summary>
/// The OTLP/HTTP receiver (protobuf and JSON, per Fluo.Otlp): <c>POST /v1/traces</c>, <c>/v1/logs</c>, <c>/v1/metrics</c>.
/// A body that is not valid OTLP gets 400 with a <c>google.rpc.Status</c> body and nothing is stored.
/// </summary>
public static class OtlpHttpEndpoints
{
    /// <summary>Maps the three export endpoints onto <paramref name="endpoints"/>, storing into <paramref name="store"/>.</summary>
    public static IEndpointRouteBuilder MapOtlpHttp(this IEndpointRouteBuilder endpoints, TelemetryStore store)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(store);
        var options = new OtlpHttpOptions { MaxRequestBytes = store.Limits.MaxRequestBytes };
        endpoints.MapOtlpTraceExport("/v1/traces", (batch, _) => ValueTask.FromResult(store.Export(batch)), options);
        endpoints.MapOtlpExport("/v1/logs", ExportLogsServiceRequest.Parser, (request, _) => ValueTask.FromResult(store.Export(request)), options);
        endpoints.MapOtlpExport("/v1/metrics", ExportMetricsServiceRequest.Parser, (request, _) => ValueTask.FromResult(store.Export(request)), options);
        return endpoints;
    }
}
