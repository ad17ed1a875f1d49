using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Fluo.Otlp.Traces;

/// <summary>The spans of one export request, and how many were rejected for invalid ids.</summary>
/// <param name="Spans">The accepted spans, in request order.</param>
/// <param name="RejectedSpans">How many spans were left out.</param>
/// <param name="ErrorMessage">Why, for the first rejected span; null when none was rejected.</param>
public sealed record OtlpSpanBatch(IReadOnlyList<OtlpSpan> Spans, long RejectedSpans, string? ErrorMessage)
{
    /// <summary>The export response: empty when all spans were accepted, else with OTLP partial success.</summary>
    public ExportTraceServiceResponse ToResponse() => RejectedSpans == 0
        ? new ExportTraceServiceResponse()
        : new ExportTraceServiceResponse { PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = RejectedSpans, ErrorMessage = ErrorMessage ?? string.Empty } };
}
