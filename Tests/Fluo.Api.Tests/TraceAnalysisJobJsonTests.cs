using System.Text.Json;
using Fluo.Api.Traces;
using Fluo.Contracts;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Traces;

namespace Fluo.Api.Tests;

/// <summary>The job written around the trace's stored JSON is byte for byte what the contract's serializer writes, and reads back whole.</summary>
public sealed class TraceAnalysisJobJsonTests
{
    [Fact]
    public void The_job_around_the_stored_trace_is_what_the_serializer_writes()
    {
        var start = new DateTimeOffset(2026, 12, 2, 8, 30, 15, 123, TimeSpan.Zero).AddTicks(4567);
        var trace = new TraceDocument(Samples.NewTraceId(),
        [
            new TraceSpan("aaaaaaaaaaaaaaaa", null, "GET /cart \"ünïcode\" <b>&", "shop", start, 12.5, SpanStatus.Error,
                new Dictionary<string, AttributeValue> { ["http.status_code"] = AttributeValue.FromNumber(503), ["note"] = AttributeValue.FromString("line\nbreak\u2028"), ["ok"] = AttributeValue.FromBool(false) }),
            new TraceSpan("bbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaa", "db.query", "cart", start.AddMilliseconds(1), 3),
        ]);
        var jobId = Guid.CreateVersion7();
        var acceptedAt = new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.FromHours(1)).AddTicks(1);

        var written = TraceAnalysisJobJson.Write(jobId, JsonSerializer.SerializeToUtf8Bytes(trace, FluoJsonContext.Default.TraceDocument), acceptedAt);

        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(new TraceAnalysisJob(jobId, trace, acceptedAt), FluoJsonContext.Default.TraceAnalysisJob), written);
        var read = JsonSerializer.Deserialize(written, FluoJsonContext.Default.TraceAnalysisJob)!;
        Assert.Equal((jobId, acceptedAt, trace.TraceId), (read.JobId, read.AcceptedAt, read.Trace.TraceId));
        Assert.Equal(trace.Spans[0].Attributes!["note"], read.Trace.Spans[0].Attributes!["note"]);
        Assert.Equal(trace.Spans.Select(s => (s.SpanId, s.Name, s.Start, s.Status)), read.Trace.Spans.Select(s => (s.SpanId, s.Name, s.Start, s.Status)));
    }
}
