using Fluo.Contracts.Backend;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;

namespace Fluo.Worker.Tests;

public class ShutdownTests
{
    [Fact]
    public async Task Stopping_lets_an_in_flight_job_finish_within_the_deadline()
    {
        await using var bed = await Testbed.StartAsync();
        bed.Backend!.Slow[BackendSubjects.SignalsRecord] = TimeSpan.FromMilliseconds(700);
        // Running is written at once, so the job is seen in flight for all of its 700 ms, not only after the 200 ms default delay.
        var worker = await bed.StartWorkerAsync(new Dictionary<string, string?> { ["Fluo:Worker:ShutdownTimeout"] = "00:00:05", ["Fluo:Worker:RunningStatusDelay"] = "00:00:00" });
        var job = new TraceAnalysisJob(Guid.NewGuid(), Testbed.Trace(("db.query", 5)), DateTimeOffset.UtcNow);
        await bed.PublishJobAsync(Subjects.TraceAnalysis, job, job.JobId);
        await bed.WaitForStatusAsync(job.JobId, JobState.Running);

        await worker.DisposeAsync();
        var status = await bed.WaitForStatusAsync(job.JobId, JobState.Succeeded);
        Assert.Equal(1, status.Attempt);
        await Eventually.Async(() => bed.Acks.Contains("+ACK"), "the ack");
        Assert.DoesNotContain(bed.Acks, a => a.StartsWith("-NAK", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_job_still_running_at_the_deadline_is_naked_at_once_and_another_replica_takes_it()
    {
        await using var bed = await Testbed.StartAsync();
        bed.Backend!.Slow[BackendSubjects.SignalsRecord] = TimeSpan.FromSeconds(3);
        var worker = await bed.StartWorkerAsync(new Dictionary<string, string?> { ["Fluo:Worker:ShutdownTimeout"] = "00:00:00.300", ["Fluo:Worker:RequestTimeout"] = "00:00:10" });
        var job = new TraceAnalysisJob(Guid.NewGuid(), Testbed.Trace(("db.query", 5)), DateTimeOffset.UtcNow);
        await bed.PublishJobAsync(Subjects.TraceAnalysis, job, job.JobId);
        await bed.WaitForStatusAsync(job.JobId, JobState.Running);
        await Task.Delay(200);

        await worker.DisposeAsync();
        Assert.Contains("-NAK", bed.Acks);
        bed.Backend.Slow.Clear();
        await Task.Delay(3000); // the slow endpoint finishes the abandoned request first
        var restarted = DateTime.UtcNow;
        await bed.StartWorkerAsync();
        await bed.WaitForStatusAsync(job.JobId, JobState.Succeeded);

        // Taken at once, not after the 30 s ack wait. (The delivery count may read 1 again: 2.9 backs it out when the
        // redelivery first went to the stopped replica's still-open pull.)
        Assert.InRange(DateTime.UtcNow - restarted, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.Equal(2, bed.Acks.Count);
        Assert.Equal(["-NAK", "+ACK"], bed.Acks);
    }
}
