using Fluo.Contracts.Backend;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;

namespace Fluo.Worker.Tests;

/// <summary>The <c>running</c> status is written only for jobs that run longer than <c>RunningStatusDelay</c>.</summary>
public class RunningStatusTests
{
    [Fact]
    public async Task A_job_done_within_the_delay_goes_straight_to_succeeded_in_the_bucket()
    {
        await using var bed = await Testbed.StartAsync();
        bed.Backend!.AddRule("slow query", "span.name == \"db.query\" and span.duration > 500ms");
        await bed.StartWorkerAsync(new Dictionary<string, string?> { ["Fluo:Worker:RunningStatusDelay"] = "00:00:10" });

        Assert.Equal([JobState.Succeeded], await RunAndWatchAsync(bed));
    }

    [Fact]
    public async Task A_job_running_longer_than_the_delay_shows_running_before_its_final_status()
    {
        await using var bed = await Testbed.StartAsync();
        bed.Backend!.AddRule("slow query", "span.name == \"db.query\" and span.duration > 500ms");
        bed.Backend.Slow[BackendSubjects.SignalsRecord] = TimeSpan.FromSeconds(1.5);
        await bed.StartWorkerAsync(new Dictionary<string, string?> { ["Fluo:Worker:RunningStatusDelay"] = "00:00:00.100" });

        Assert.Equal([JobState.Running, JobState.Succeeded], await RunAndWatchAsync(bed));
    }

    /// <summary>
    /// Runs a violating trace_analysis job and returns every state the bucket showed for it (it keeps only the last),
    /// up to a moment after the job's ack: the final status is written once, whoever of the handler and the processor
    /// asks for it.
    /// </summary>
    private static async Task<List<JobState>> RunAndWatchAsync(Testbed bed)
    {
        var job = new TraceAnalysisJob(Guid.NewGuid(), Testbed.Trace(("checkout", 900), ("db.query", 800)), DateTimeOffset.UtcNow);
        var store = await bed.Kv.GetStoreAsync(FluoTopology.JobsBucket);
        var states = new System.Collections.Concurrent.ConcurrentQueue<JobState>();
        using var stop = new CancellationTokenSource(Testbed.Wait);
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var entry in store.WatchAsync<JobStatus>(job.JobId.ToString("N"), cancellationToken: stop.Token))
                {
                    states.Enqueue(entry.Value!.State);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        await Task.Delay(200); // the watch is subscribed before the job exists
        await bed.PublishJobAsync(Subjects.TraceAnalysis, job, job.JobId);
        await Eventually.Async(() => states.Contains(JobState.Succeeded) && bed.Acks.Contains("+ACK"), "the final status and the ack");
        await Task.Delay(300);
        await stop.CancelAsync();
        await watching;
        return [.. states];
    }
}
