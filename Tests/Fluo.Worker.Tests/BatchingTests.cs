using System.Diagnostics;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;
using Fluo.Contracts.Signals;
using Fluo.Testing.Telemetry;

namespace Fluo.Worker.Tests;

public class BatchingTests
{
    private static TraceAnalysisJob Job(double durationMs) => new(Guid.NewGuid(), Testbed.Trace(("db.query", durationMs)), DateTimeOffset.UtcNow);

    [Fact]
    public async Task Concurrent_jobs_reach_the_backend_in_fewer_batch_requests_than_jobs_and_each_succeeds_exactly_once()
    {
        await using var bed = await Testbed.StartAsync();
        bed.Backend!.AddRule("slow query", "span.name == \"db.query\" and span.duration > 500ms");
        // A Backend a little slow to answer: while one batch is in flight the next gathers.
        bed.Backend.Slow[BackendSubjects.SignalsRecord] = TimeSpan.FromMilliseconds(30);
        await bed.StartWorkerAsync();
        var signals = await bed.SignalsConsumerAsync();

        const int Jobs = 150;
        var jobs = Enumerable.Range(0, Jobs).Select(i => Job(i % 3 == 0 ? 800 : 5)).ToList();
        foreach (var job in jobs)
        {
            await bed.PublishJobAsync(Subjects.TraceAnalysis, job, job.JobId);
        }

        await Eventually.Async(() => bed.Acks.Count(a => a == "+ACK") >= Jobs, "every job acknowledged");
        foreach (var job in jobs)
        {
            var status = await bed.WaitForStatusAsync(job.JobId, JobState.Succeeded);
            Assert.Equal(job.Trace.Spans[0].DurationMs > 500 ? 1 : 0, status.Result!.Analysis!.SignalIds.Count);
        }

        await Task.Delay(300);
        Assert.Equal(jobs.Select(j => j.JobId).Order(), bed.Backend.Completed.Select(c => c.JobId).Order());
        Assert.All(bed.Backend.Completed, c => Assert.Equal(JobState.Succeeded, c.State));
        Assert.Equal(Jobs, bed.Acks.Count);
        var violating = jobs.Count(j => j.Trace.Spans[0].DurationMs > 500);
        Assert.Equal(violating, bed.Backend.Recorded.Count);
        Assert.Equal(violating, (await Testbed.DrainAsync<Signal>(signals)).Select(m => m.Data!.Id).Distinct().Count());

        // Every job, violating or not, records its signals and its final status in the one request.
        Assert.Equal(0, bed.Backend.BatchRequests.GetValueOrDefault(BackendSubjects.JobsCompleteBatch));
        Assert.InRange(bed.Backend.BatchRequests.GetValueOrDefault(BackendSubjects.SignalsRecordBatch), 1, Jobs / 3);
    }

    [Fact]
    public async Task An_item_the_backend_refuses_fails_only_its_own_job()
    {
        await using var bed = await Testbed.StartAsync();
        bed.Backend!.Slow[BackendSubjects.SignalsRecord] = TimeSpan.FromMilliseconds(100);
        await bed.StartWorkerAsync();

        var jobs = Enumerable.Range(0, 12).Select(_ => Job(5)).ToList();
        var refused = jobs[6];
        bed.Backend.Refused[refused.JobId] = 409;
        foreach (var job in jobs)
        {
            await bed.PublishJobAsync(Subjects.TraceAnalysis, job, job.JobId);
        }

        var failed = await bed.WaitForStatusAsync(refused.JobId, JobState.Failed);
        Assert.Contains("injected refusal", failed.Message);
        Assert.Equal(1, failed.Attempt);
        foreach (var job in jobs.Where(j => j != refused))
        {
            await bed.WaitForStatusAsync(job.JobId, JobState.Succeeded);
        }

        await Eventually.Async(() => bed.Acks.Count >= jobs.Count, "every job settled");
        await Task.Delay(300);
        Assert.Equal(jobs.Count - 1, bed.Acks.Count(a => a == "+ACK"));
        Assert.Equal(1, bed.Acks.Count(a => a == "+TERM"));
        Assert.DoesNotContain(bed.Acks, a => a.StartsWith("-NAK", StringComparison.Ordinal));
        Assert.InRange(bed.Backend.BatchRequests.GetValueOrDefault(BackendSubjects.SignalsRecordBatch), 1, jobs.Count);
        Assert.Equal(1, bed.Backend.BatchRequests.GetValueOrDefault(BackendSubjects.JobsCompleteBatch)); // the refused job's failed status
    }

    [Fact]
    public async Task A_failed_batch_request_retries_every_job_in_it_and_each_succeeds_once_the_backend_answers()
    {
        await using var bed = await Testbed.StartAsync();
        bed.Backend!.Failing[BackendSubjects.SignalsRecordBatch] = 503;
        await bed.StartWorkerAsync(new Dictionary<string, string?> { ["Fluo:Worker:RetryBaseDelay"] = "00:00:00.200" });

        var jobs = Enumerable.Range(0, 6).Select(_ => Job(5)).ToList();
        foreach (var job in jobs)
        {
            await bed.PublishJobAsync(Subjects.TraceAnalysis, job, job.JobId);
        }

        await Eventually.Async(() => bed.Acks.Count(a => a.StartsWith("-NAK", StringComparison.Ordinal)) >= jobs.Count, "every job naked");
        var store = await bed.Kv.GetStoreAsync(FluoTopology.JobsBucket);
        await Eventually.Async(async () => (await store.GetEntryAsync<JobStatus>(jobs[0].JobId.ToString("N"))).Value?.Message?.Contains("injected failure", StringComparison.Ordinal) == true,
            "the retry's reason in the job's status");
        Assert.Empty(bed.Backend.Completed);

        bed.Backend.Failing.Clear();
        foreach (var job in jobs)
        {
            Assert.True((await bed.WaitForStatusAsync(job.JobId, JobState.Succeeded)).Attempt >= 2);
        }

        Assert.Equal(jobs.Select(j => j.JobId).Order(), bed.Backend.Completed.Select(c => c.JobId).Order());
        Assert.DoesNotContain(bed.Acks, a => a == "+TERM");
    }

    [Fact]
    public async Task A_lone_request_continues_its_job_s_trace_and_a_shared_one_links_every_job_it_carries()
    {
        using var recorder = new SpanRecorder("Fluo.Worker", "Fluo.Nats");
        await using var bed = await Testbed.StartAsync();
        bed.Backend!.Slow[BackendSubjects.SignalsRecord] = TimeSpan.FromMilliseconds(200);
        await bed.StartWorkerAsync();

        var lone = Job(5);
        await bed.PublishJobAsync(Subjects.TraceAnalysis, lone, lone.JobId);
        await bed.WaitForStatusAsync(lone.JobId, JobState.Succeeded);
        var together = Enumerable.Range(0, 8).Select(_ => Job(5)).ToList();
        foreach (var job in together)
        {
            await bed.PublishJobAsync(Subjects.TraceAnalysis, job, job.JobId);
        }

        foreach (var job in together)
        {
            await bed.WaitForStatusAsync(job.JobId, JobState.Succeeded);
        }

        var spans = recorder.Stopped;
        Activity Process(Guid jobId) => spans.Single(a => a.GetTagItem("fluo.job.id") as string == jobId.ToString("N"));
        var sends = spans.Where(a => a.Source.Name == "Fluo.Worker" && a.OperationName.StartsWith(BackendSubjects.SignalsRecordBatch, StringComparison.Ordinal)).ToList();

        var loneSend = Assert.Single(sends, a => a.ParentSpanId == Process(lone.JobId).SpanId);
        Assert.Equal(Process(lone.JobId).TraceId, loneSend.TraceId);
        Assert.Contains(spans, a => a.Source.Name == "Fluo.Nats" && a.ParentSpanId == loneSend.SpanId); // the request itself

        var contexts = together.Select(j => Process(j.JobId).Context).ToList();
        var shared = sends.Where(a => a.Links.Count(l => contexts.Contains(l.Context)) > 1).ToList();
        Assert.NotEmpty(shared);
        Assert.All(shared, a => Assert.Equal(default, a.ParentSpanId));
        Assert.All(together, j => Assert.Contains(sends, a => a.ParentSpanId == Process(j.JobId).SpanId || a.Links.Any(l => l.Context == Process(j.JobId).Context)));
    }
}
