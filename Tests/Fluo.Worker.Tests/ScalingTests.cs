using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace Fluo.Worker.Tests;

public class ScalingTests
{
    [Fact]
    public async Task Two_worker_hosts_share_the_consumer_and_each_job_is_handled_once()
    {
        await using var bed = await Testbed.StartAsync();
        bed.Backend!.AddRule("slow query", "span.name == \"db.query\" and span.duration > 500ms");
        var settings = new Dictionary<string, string?> { ["Fluo:Worker:Concurrency"] = "4" };
        var first = await bed.StartWorkerAsync(settings);
        var second = await bed.StartWorkerAsync(settings);
        var meters = new[] { first, second }.Select(h => h.Services.GetRequiredService<IMeterFactory>().Create("Fluo.Worker")).ToArray();
        var handled = new ConcurrentDictionary<Meter, int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "fluo.worker.jobs" && meters.Contains(instrument.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => handled.AddOrUpdate(instrument.Meter, (int)value, (_, n) => n + (int)value));
        listener.Start();

        const int Jobs = 200;
        var ids = new List<Guid>();
        for (var i = 0; i < Jobs; i++)
        {
            var job = new TraceAnalysisJob(Guid.NewGuid(), Testbed.Trace(("db.query", i % 2 == 0 ? 800 : 5)), DateTimeOffset.UtcNow);
            ids.Add(job.JobId);
            await bed.PublishJobAsync(Subjects.TraceAnalysis, job, job.JobId);
        }

        await Eventually.Async(() => bed.Backend.Completed.Count >= Jobs, "every job completed");
        await Task.Delay(300);
        Assert.Equal(ids.Order(), bed.Backend.Completed.Select(c => c.JobId).Order());
        Assert.Equal(Jobs / 2, bed.Backend.Recorded.Count);
        Assert.Equal(Jobs, handled.Values.Sum());
        Assert.All(meters, m => Assert.True(handled.GetValueOrDefault(m) > 0, "both replicas took jobs"));
        var info = await bed.Js.GetConsumerInfoAsync(FluoTopology.JobsStream, FluoTopology.WorkersConsumer);
        Assert.Equal((0L, 0ul, 0L), (info.NumAckPending, info.NumPending, info.NumRedelivered));
    }
}
