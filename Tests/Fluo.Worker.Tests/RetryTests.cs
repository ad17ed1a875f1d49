using System.Text;
using System.Text.RegularExpressions;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;
using Fluo.Nats;
using Fluo.Nats.JetStream;

namespace Fluo.Worker.Tests;

public partial class RetryTests
{
    [GeneratedRegex("""^-NAK \{"delay":(\d+)\}$""")]
    private static partial Regex NakWithDelay();

    [Fact]
    public async Task Without_a_backend_the_job_is_naked_with_growing_delays_and_succeeds_once_the_backend_answers()
    {
        await using var bed = await Testbed.StartAsync(backend: false);
        await bed.StartWorkerAsync(new Dictionary<string, string?> { ["Fluo:Worker:RetryBaseDelay"] = "00:00:00.300" });

        var job = new TraceAnalysisJob(Guid.NewGuid(), Testbed.Trace(("db.query", 800)), DateTimeOffset.UtcNow);
        await bed.PublishJobAsync(Subjects.TraceAnalysis, job, job.JobId);
        await Eventually.Async(() => bed.Acks.Count(a => a.StartsWith("-NAK", StringComparison.Ordinal)) >= 2, "two naks");
        var running = await bed.WaitForStatusAsync(job.JobId, JobState.Running);
        Assert.Contains("no responders", running.Message);

        var backend = await bed.StartBackendAsync();
        backend.AddRule("slow query", "span.name == \"db.query\" and span.duration > 500ms");
        var status = await bed.WaitForStatusAsync(job.JobId, JobState.Succeeded);
        Assert.True(status.Attempt >= 3, $"attempt {status.Attempt}");
        Assert.Single(status.Result!.Analysis!.SignalIds);

        var delays = bed.Acks.Select(a => NakWithDelay().Match(a)).Where(m => m.Success).Select(m => TimeSpan.FromTicks(long.Parse(m.Groups[1].Value) / 100)).ToList();
        Assert.Equal(TimeSpan.FromMilliseconds(300), delays[0]);
        Assert.Equal(TimeSpan.FromMilliseconds(600), delays[1]);
    }

    [Fact]
    public async Task A_job_that_always_fails_lands_in_the_DLQ_after_max_deliveries_with_its_headers_and_last_error_and_is_dead()
    {
        await using var bed = await Testbed.StartAsync();
        bed.Backend!.AddRule("slow query", "span.name == \"db.query\" and span.duration > 500ms");
        bed.Backend.Failing[BackendSubjects.SignalsRecord] = 500;
        await bed.StartWorkerAsync(new Dictionary<string, string?> { ["Fluo:Worker:RetryBaseDelay"] = "00:00:00.050" });

        var job = new TraceAnalysisJob(Guid.NewGuid(), Testbed.Trace(("db.query", 800)), DateTimeOffset.UtcNow);
        var headers = new NatsHeaders { ["X-Tenant"] = "acme" };
        await bed.PublishJobAsync(Subjects.TraceAnalysis, job, job.JobId, headers: headers);

        var status = await bed.WaitForStatusAsync(job.JobId, JobState.Dead);
        Assert.Equal(FluoTopology.MaxDeliver, status.Attempt);
        Assert.Contains("500", status.Message);
        Assert.Equal(FluoTopology.MaxDeliver - 1, bed.Acks.Count(a => a.StartsWith("-NAK", StringComparison.Ordinal)));
        await Eventually.Async(() => bed.Acks.Contains("+TERM"), "the terminate");

        var dead = await bed.Js.GetMsgAsync(FluoTopology.DeadLetterStream, new StreamMsgGetRequest { LastBySubj = Subjects.DeadLetterFor(Subjects.TraceAnalysis) });
        var deadHeaders = dead.Headers!;
        Assert.Equal("acme", deadHeaders.GetLastValue("X-Tenant"));
        Assert.Equal(job.JobId.ToString(), deadHeaders.GetLastValue("Nats-Msg-Id"));
        Assert.Equal(Subjects.TraceAnalysis, deadHeaders.GetLastValue(FluoHeaders.OriginalSubject));
        Assert.Equal("5", deadHeaders.GetLastValue(FluoHeaders.Deliveries));
        Assert.Equal("1", deadHeaders.GetLastValue(FluoHeaders.OriginalSequence));
        Assert.Contains("injected failure", deadHeaders.GetLastValue(FluoHeaders.LastError));
        var original = await bed.Js.GetMsgAsync(FluoTopology.JobsStream, new StreamMsgGetRequest { Seq = 1 }).AsTask().ContinueWith(t => t.IsFaulted ? null : t.Result);
        Assert.Null(original); // terminated on a work queue: gone from JOBS
        Assert.Contains(job.JobId.ToString(), Encoding.UTF8.GetString(dead.Data.Span));
        await Eventually.Async(() => bed.Backend.Completed.Any(c => c.JobId == job.JobId && c.State == JobState.Dead), "jobs.complete with dead");
    }

    [Fact]
    public async Task A_bad_payload_fails_the_job_at_once_and_is_not_retried()
    {
        await using var bed = await Testbed.StartAsync();
        await bed.StartWorkerAsync();
        var broken = Guid.NewGuid();
        await bed.PublishRawAsync(Subjects.TraceAnalysis, "{\"jobId\": \"not json", broken);
        var noTrace = Guid.NewGuid();
        await bed.PublishRawAsync(Subjects.TraceAnalysis, $"{{\"jobId\":\"{noTrace}\"}}", noTrace);
        var unknownSubject = Guid.NewGuid();
        await bed.PublishRawAsync("jobs.mystery", "{}", unknownSubject);

        var status = await bed.WaitForStatusAsync(broken, JobState.Failed);
        Assert.Contains("not valid", status.Message);
        Assert.Equal(JobType.TraceAnalysis, status.Type);
        Assert.Contains("lacks", (await bed.WaitForStatusAsync(noTrace, JobState.Failed)).Message);
        await Eventually.Async(() => bed.Acks.Count(a => a == "+TERM") == 3, "three terminates");

        await Task.Delay(500);
        Assert.DoesNotContain(bed.Acks, a => a.StartsWith("-NAK", StringComparison.Ordinal));
        var info = await bed.Js.GetConsumerInfoAsync(FluoTopology.JobsStream, FluoTopology.WorkersConsumer);
        Assert.Equal((0L, 0ul, 0L), (info.NumAckPending, info.NumPending, info.NumRedelivered));
        Assert.Equal(3, bed.Backend!.Completed.Count(c => c.State == JobState.Failed) + 1); // the unknown subject has no job type to record
    }
}
