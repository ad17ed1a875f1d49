using System.Diagnostics;
using System.Globalization;
using Fluo.Hosting.Dashboard.Telemetry;

namespace Fluo.Benchmarks.Cli;

/// <summary>
/// Splits accept→signal latency into its stages, from the spans the services exported to the AppHost's dashboard.
/// The load loops send each trace with a <c>traceparent</c> whose trace id is the trace's own, so the Api's request,
/// the relay's job publish, the worker's process span and its signal publish all land in that trace. A stage is the
/// time between two of those points: <c>request</c> (sent → the Api's response), <c>relay</c> (response → job
/// publish starts; slightly negative when the relay publishes before the response is written), <c>delivery</c> (job publish → the worker starts processing), <c>analysis</c> (→ the signal
/// publish starts) and <c>signal</c> (→ the benchmark sees it on NATS). Clocks: the spans carry the machine's wall
/// clock, the benchmark its <see cref="Stopwatch"/>, tied together by one reading of both.
/// </summary>
internal static class IngestStages
{
    private static readonly string[] Names = ["request", "relay", "delivery", "analysis", "signal"];

    /// <summary>The <c>traceparent</c> that puts a request into the trace <paramref name="traceId"/> (with a random parent span).</summary>
    public static string TraceParent(string traceId, bool sampled)
    {
        Span<byte> parent = stackalloc byte[8];
        Random.Shared.NextBytes(parent);
        return $"00-{traceId}-{Convert.ToHexStringLower(parent)}-{(sampled ? "01" : "00")}";
    }

    /// <summary>Prints each stage's p50/p95/p99, and the mean of each stage over the slowest 1% of traces.</summary>
    public static void Report(TelemetryStore store, IReadOnlyDictionary<string, long> sent, IReadOnlyDictionary<string, long> seen)
    {
        var anchorWall = DateTimeOffset.UtcNow;
        var anchorTicks = Stopwatch.GetTimestamp();
        DateTimeOffset Wall(long ticks) => anchorWall + TimeSpan.FromSeconds((ticks - anchorTicks) / (double)Stopwatch.Frequency);

        var spans = store.GetTraces(new HashSet<string>(sent.Keys, StringComparer.Ordinal));
        var rows = new List<double[]>();
        var jobs = new List<double>();
        foreach (var (traceId, sentAt) in sent)
        {
            var trace = spans[traceId];
            var request = trace.FirstOrDefault(s => s.Kind == "Server");
            var job = trace.FirstOrDefault(s => s.Name == "publish jobs.trace_analysis");
            var process = trace.FirstOrDefault(s => s.Name == "process jobs.trace_analysis");
            var signal = trace.FirstOrDefault(s => s.Name == "publish signals.created");
            if (request is null || job is null || process is null || signal is null || !seen.TryGetValue(traceId, out var seenAt))
            {
                continue;
            }

            DateTimeOffset[] points = [Wall(sentAt), request.End, job.Start, process.Start, signal.Start, Wall(seenAt)];
            jobs.Add(process.Duration.TotalMilliseconds);
            rows.Add([.. points.Zip(points.Skip(1), (a, b) => (b - a).TotalMilliseconds)]);
        }

        if (rows.Count == 0)
        {
            Console.WriteLine($"stages: none of {sent.Count} traces has all its spans in the dashboard (the store keeps {store.Limits.MaxSpans} spans)");
            return;
        }

        Console.WriteLine($"stages over {rows.Count} of {sent.Count} traces (ms):      p50     p95     p99   mean of the slowest 1%");
        var slowest = rows.OrderByDescending(r => r.Sum()).Take(Math.Max(1, rows.Count / 100)).ToList();
        for (var i = 0; i < Names.Length; i++)
        {
            var stage = rows.Select(r => r[i]).Order().ToArray();
            double P(double q) => Percentile.Of(stage, q);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {Names[i],-10} {P(0.50),35:F1} {P(0.95),7:F1} {P(0.99),7:F1} {slowest.Average(r => r[i]),10:F1}"));
        }

        // Not a stage: the whole job, which goes on after the signal (the Backend's record of the job, its final status, the ack).
        var whole = jobs.Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  worker job, start to ack {Percentile.Of(whole, 0.50),23:F1} {Percentile.Of(whole, 0.95),7:F1} {Percentile.Of(whole, 0.99),7:F1}"));

        // What each trace costs the tracing pipeline (every span is made, exported and received by the dashboard).
        var names = sent.Keys.SelectMany(id => spans[id]).GroupBy(s => $"{s.Service}: {s.Name}")
            .Select(g => (Name: g.Key, PerTrace: g.Count() / (double)sent.Count)).OrderByDescending(g => g.PerTrace).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"spans per trace: {names.Sum(n => n.PerTrace):F2}"));
        foreach (var (name, perTrace) in names.Where(n => n.PerTrace >= 0.05))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {perTrace,5:F2}  {name}"));
        }
    }
}
