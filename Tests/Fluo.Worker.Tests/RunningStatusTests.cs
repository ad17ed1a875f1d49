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

    /// <summary>Runs a violating trace_analysis job and returns every state the bucket showed for it (it keeps only the last).</summary>
    private static async Task<List<JobState>> RunAndWatchAsync(Testbed bed)
    {
        var job = new TraceAnalysisJob(Guid.NewGuid(), Testbed.Trace(("checkout", 900), ("db.query", 800)), DateTimeOffset.UtcNow);
        var store = await bed.Kv.GetStoreAsync(FluoTopology.JobsBucket);
        var states = new List<JobState>();
        using var timeout = new CancellationTokenSource(Testbed.Wait);
        var watching = Task.Run(async () =>
        {
            await foreach (var entry in store.WatchAsync<JobStatus>(job.JobId.ToString("N"), cancellationToken: timeout.Token))
            {
                states.Add(entry.Value!.State);
                if (entry.Value.State == JobState.Succeeded)
                {
                    return;
                }
            }
        });

        await Task.Delay(200); // the watch is subscribed before the job exists
        await bed.PublishJobAsync(Subjects.TraceAnalysis, job, job.JobId);
        await watching;
        return states;
    }
}
