using System.Buffers;
using System.Text.Json;
using Fluo.Contracts.Jobs;

namespace Fluo.Api.Traces;

/// <summary>
/// The JSON of a <see cref="TraceAnalysisJob"/> around a trace already serialised for its stored document: the trace is
/// written once per accepted trace rather than once for the table and again for the job.
/// </summary>
internal static class TraceAnalysisJobJson
{
    /// <summary>What <c>FluoJsonContext.Default.TraceAnalysisJob</c> writes for the job, given the trace's own JSON.</summary>
    public static byte[] Write(Guid jobId, ReadOnlySpan<byte> traceJson, DateTimeOffset acceptedAt)
    {
        var buffer = new ArrayBufferWriter<byte>(traceJson.Length + 128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("jobId", jobId);
            writer.WritePropertyName("trace");
            writer.WriteRawValue(traceJson, skipInputValidation: true);
            writer.WriteString("acceptedAt", acceptedAt);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
