using System.Text;
using System.Text.Json;
using Fluo.Contracts;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;
using Fluo.Contracts.Rules;
using Fluo.Contracts.Signals;
using Fluo.Nats.KeyValue;
using Fluo.Worker.Export;

namespace Fluo.Worker.Tests;

public class DataExportTests
{
    private const int SignalCount = 2600;

    [Theory]
    [InlineData("csv")]
    [InlineData("json")]
    public async Task Export_writes_every_signal_in_chunks_of_at_most_256_KiB_and_reports_progress(string format)
    {
        await using var bed = await Testbed.StartAsync();
        var rule = Guid.NewGuid();
        var created = DateTimeOffset.Parse("2026-01-02T03:04:05Z");
        for (var i = 0; i < SignalCount; i++)
        {
            var name = i == 7 ? "slow, \"really\"\r\nslow" : $"rule number {i} with a reasonably long descriptive name";
            bed.Backend!.StoredSignals.Add(new Signal(Guid.NewGuid(), rule, name, Guid.NewGuid().ToString("N"), Guid.NewGuid(),
                ["00f067aa0ba902b7", "00f067aa0ba902b8", "00f067aa0ba902b9"], Severity.Warning, SignalStatus.Open, created, null, null));
        }

        await bed.StartWorkerAsync();
        var store = await bed.Kv.GetStoreAsync(FluoTopology.JobsBucket);
        var progress = new List<double>();
        using var stopWatching = new CancellationTokenSource();
        var job = new DataExportJob(Guid.NewGuid(), Guid.NewGuid(), format, new SignalFilter(RuleId: rule));
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var entry in store.WatchAsync<JobStatus>(job.JobId.ToString("N"), cancellationToken: stopWatching.Token))
                {
                    if (entry.Value is { State: JobState.Running, Progress: > 0 } running)
                    {
                        progress.Add(running.Progress);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        await bed.PublishJobAsync(Subjects.DataExport, job, job.JobId);
        var status = await bed.WaitForStatusAsync(job.JobId, JobState.Succeeded);
        await Task.Delay(200);
        await stopWatching.CancelAsync();
        await watching;

        var complete = Assert.Single(bed.Backend!.ExportsCompleted);
        var chunks = Enumerable.Range(0, complete.Chunks).Select(i => bed.Backend.Chunks[(job.ExportId, i)]).ToList();
        Assert.True(chunks.Count >= 3, $"{chunks.Count} chunks");
        Assert.Equal(complete.Chunks, bed.Backend.Chunks.Count);
        Assert.All(chunks[..^1], c => Assert.Equal(ExportChunker.ChunkSize, c.Length));
        Assert.InRange(chunks[^1].Length, 1, ExportChunker.ChunkSize);
        var file = chunks.SelectMany(c => c).ToArray();
        Assert.Equal((SignalCount, (long)file.Length), (complete.Rows, complete.Bytes));
        Assert.Equal(new ExportResult(job.ExportId, SignalCount, file.Length), status.Result!.Export);
        Assert.All(bed.Backend.SignalQueries, q => Assert.Equal((rule, 500), (q.Filter.RuleId!.Value, q.Limit)));

        if (format == "csv")
        {
            var text = Encoding.UTF8.GetString(file);
            Assert.StartsWith(SignalCsv.Header + "\r\n", text);
            Assert.Contains(",\"slow, \"\"really\"\"\r\nslow\",", text);
            Assert.Equal(SignalCount + 1 + 1, text.Split("\r\n").Length - 1); // header + rows + the quoted line break
        }
        else
        {
            using var document = JsonDocument.Parse(file);
            var signals = document.RootElement.EnumerateArray().Select(e => e.Deserialize(FluoJsonContext.Default.Signal)!).ToList();
            Assert.Equal(bed.Backend.StoredSignals.Select(s => s.Id), signals.Select(s => s.Id));
            Assert.Equal("slow, \"really\"\r\nslow", signals[7].RuleName);
        }

        Assert.NotEmpty(progress);
        Assert.All(progress, p => Assert.InRange(p, 0.01, 0.99));
        Assert.Equal(progress.Order(), progress);
        // One +WPI per page but the last; a first attempt that failed under load (and was retried) adds its own.
        var progressAcks = bed.Acks.Count(a => a == "+WPI");
        if (status.Attempt == 1)
        {
            Assert.Equal(5, progressAcks);
        }
        else
        {
            Assert.True(progressAcks >= 5, $"{progressAcks} +WPI over {status.Attempt} attempts");
        }
    }

    [Fact]
    public async Task An_unknown_format_fails_the_export()
    {
        await using var bed = await Testbed.StartAsync();
        await bed.StartWorkerAsync();
        var job = new DataExportJob(Guid.NewGuid(), Guid.NewGuid(), "xlsx", new SignalFilter());
        await bed.PublishJobAsync(Subjects.DataExport, job, job.JobId);
        Assert.Contains("xlsx", (await bed.WaitForStatusAsync(job.JobId, JobState.Failed)).Message);
    }
}
