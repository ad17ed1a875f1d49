using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;
using Fluo.Contracts.Signals;

namespace Fluo.Worker.Tests;

public class TraceAnalysisTests
{
    [Fact]
    public async Task A_violating_trace_publishes_each_signal_once_with_its_id_as_msg_id_and_the_job_succeeds()
    {
        await using var bed = await Testbed.StartAsync();
        var slow = bed.Backend!.AddRule("slow query", "span.name == \"db.query\" and span.duration > 500ms");
        var busy = bed.Backend.AddRule("busy cart", "count(span.service == \"cart\") > 1");
        bed.Backend.AddRule("never", "span.name == \"nothing\"");
        bed.Backend.AddRule("disabled", "span.name == \"db.query\"", enabled: false);
        await bed.StartWorkerAsync();
        var signals = await bed.SignalsConsumerAsync();

        var trace = Testbed.Trace(("checkout", 900), ("db.query", 800));
        var job = new TraceAnalysisJob(Guid.NewGuid(), trace, DateTimeOffset.UtcNow);
        await bed.PublishJobAsync(Subjects.TraceAnalysis, job, job.JobId);

        var status = await bed.WaitForStatusAsync(job.JobId, JobState.Succeeded);
        var result = status.Result!.Analysis!;
        Assert.Equal((trace.TraceId, 3, 2), (result.TraceId, result.RulesEvaluated, result.SignalIds.Count));
        Assert.Equal(1, status.Attempt);
        var recorded = bed.Backend.Recorded.Values.Where(s => s.JobId == job.JobId).ToList();
        Assert.Equal(recorded.Select(s => s.Id).Order(), result.SignalIds.Order());
        Assert.Equal(["0000000000000002"], recorded.Single(s => s.RuleId == slow.Id).OffendingSpanIds);
        Assert.Contains(recorded, s => s.RuleId == busy.Id);

        var published = await Testbed.DrainAsync<Signal>(signals);
        Assert.Equal(result.SignalIds.Order(), published.Select(m => m.Data!.Id).Order());
        Assert.All(published, m => Assert.Equal(m.Data!.Id.ToString(), m.Headers!.GetLastValue("Nats-Msg-Id")));
        Assert.All(published, m => Assert.Equal(Subjects.SignalCreated, m.Subject));
        var completed = Assert.Single(bed.Backend.Completed, c => c.JobId == job.JobId);
        Assert.Equal(JobState.Succeeded, completed.State);
        await Eventually.Async(() => bed.Acks.Contains("+ACK"), "the ack");
    }

    [Fact]
    public async Task A_passing_trace_raises_no_signal()
    {
        await using var bed = await Testbed.StartAsync();
        bed.Backend!.AddRule("slow query", "span.name == \"db.query\" and span.duration > 500ms");
        await bed.StartWorkerAsync();
        var signals = await bed.SignalsConsumerAsync();

        var job = new TraceAnalysisJob(Guid.NewGuid(), Testbed.Trace(("checkout", 30), ("db.query", 12)), DateTimeOffset.UtcNow);
        await bed.PublishJobAsync(Subjects.TraceAnalysis, job, job.JobId);

        var status = await bed.WaitForStatusAsync(job.JobId, JobState.Succeeded);
        Assert.Empty(status.Result!.Analysis!.SignalIds);
        Assert.Equal(1, status.Result.Analysis.RulesEvaluated);
        Assert.Equal(1, bed.Backend.RecordCalls); // the job's final status, recorded with its (no) signals
        Assert.DoesNotContain(bed.Backend.Recorded.Keys, k => k.Job == job.JobId);
        Assert.Empty(await Testbed.DrainAsync<Signal>(signals));
    }

    [Fact]
    public async Task The_same_job_delivered_twice_yields_the_same_signal_ids_and_SIGNALS_drops_the_repeat()
    {
        await using var bed = await Testbed.StartAsync();
        bed.Backend!.AddRule("slow query", "span.name == \"db.query\" and span.duration > 500ms");
        bed.Backend.AddRule("error span", "span.status == error");
        await bed.StartWorkerAsync();
        var signals = await bed.SignalsConsumerAsync();

        var trace = Testbed.Trace(("db.query", 800));
        trace = trace with { Spans = [trace.Spans[0] with { Status = Fluo.Contracts.Traces.SpanStatus.Error }] };
        var job = new TraceAnalysisJob(Guid.NewGuid(), trace, DateTimeOffset.UtcNow);
        await bed.PublishJobAsync(Subjects.TraceAnalysis, job, job.JobId, msgId: "first");
        await bed.PublishJobAsync(Subjects.TraceAnalysis, job, job.JobId, msgId: "second");

        await Eventually.Async(() => bed.Backend.Completed.Count(c => c.JobId == job.JobId) == 2, "both deliveries completed");
        var results = bed.Backend.Completed.Select(c => c.Result!.Analysis!.SignalIds.Order().ToList()).ToList();
        Assert.Equal(2, results[0].Count);
        Assert.Equal(results[0], results[1]);
        Assert.Equal(2, bed.Backend.RecordCalls);

        var published = await Testbed.DrainAsync<Signal>(signals);
        Assert.Equal(results[0], published.Select(m => m.Data!.Id).Order());
        var stream = await bed.Js.GetStreamAsync(FluoTopology.SignalsStream);
        Assert.Equal(2ul, stream.State.LastSeq);
    }
}
