using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Buffers;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Reflection;
using Fluo.Contracts;
using Fluo.Contracts.Messaging;
using Fluo.Contracts.Signals;
using Fluo.Hosting;
using Fluo.Hosting.ApplicationModel;
using Fluo.Hosting.Dashboard;
using Fluo.Hosting.Testing;
using Fluo.Nats;
using Fluo.Nats.JetStream;
using Fluo.Nats.KeyValue;
using Microsoft.Extensions.DependencyInjection;

namespace Fluo.Benchmarks.Cli;

/// <summary>
/// <c>ingest</c>: starts the whole system (the real AppHost model, isolated state), creates a rule every trace
/// violates, then (1) posts 10-span traces to <c>POST /api/traces</c> as fast as <c>--concurrency</c> clients can for
/// <c>--seconds</c> and reports accepted and analysed traces/s, and (2) posts at a fixed <c>--rate</c> and reports
/// accept→signal latency (HTTP send → <c>signals.created</c> seen on NATS) p50/p95/p99, split into stages by
/// <see cref="IngestStages"/>. Each phase also reports its CPU time per trace, the machine's and each process's
/// (<see cref="CpuSample"/>): on a noisy machine that moves far less from run to run than traces/s. <c>--sampled</c> (percent, default 100) is the share of requests whose
/// <c>traceparent</c> is marked sampled: below 100 the services get a parent-based sampler, which records only those. Both follow a warm-up at full
/// load (<c>--warmup</c> seconds). Each client loop posts through its own <see cref="HttpLoadClient"/> connection.
/// </summary>
internal static class IngestBench
{
    private static readonly ConcurrentDictionary<int, int> Refused = new();
    private static readonly ConcurrentBag<double> AcceptMs = [];
    private static double _sampled = 1;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = BenchArgs.Int(args, "--seconds", 10);
        var rate = BenchArgs.Int(args, "--rate", 500);
        var concurrency = BenchArgs.Int(args, "--concurrency", 32);
        var warmUpSeconds = BenchArgs.Int(args, "--warmup", 30);
        _sampled = BenchArgs.Int(args, "--sampled", 100) / 100.0;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = cts.Token;

        Console.WriteLine("starting the system (nats, postgres, backend, 2 workers, api)...");
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync(Assembly.Load("Fluo.AppHost"), [], ct);
        // Room for every span of the paced phase, which IngestStages reads back at its end (unless set otherwise).
        builder.Configuration["AppHost:Dashboard:Limits:MaxSpans"] ??= Math.Max(50_000, rate * seconds * 10).ToString(CultureInfo.InvariantCulture);
        if (_sampled < 1)
        {
            // In Development Aspire sets always_on, which records every request whatever its traceparent says; the
            // unsampled share is left unrecorded only by a parent-based sampler (an --env of the caller's still wins).
            foreach (var project in builder.Resources.OfType<ProjectResource>())
            {
                project.Environment.Add(new EnvironmentEntry("OTEL_TRACES_SAMPLER", EnvironmentValueKind.Literal, "parentbased_always_on"));
            }
        }

        ProjectEnv.Apply(args, "--env", builder.Resources.OfType<ProjectResource>());
        await using var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        await app.WaitForAllResourcesHealthyAsync(ct);
        var api = app.GetEndpoint("api");
        using var http = new HttpClient { BaseAddress = api };
        await using var nats = new NatsConnection(NatsOpts.Default with { Url = (await app.GetConnectionStringAsync("nats", ct))!, SerializerRegistry = FluoJsonContext.Registry });
        await nats.ConnectAsync(ct);
        var jobStatuses = await new NatsKVContext(new NatsJSContext(nats)).GetStoreAsync(FluoTopology.JobsBucket, ct);

        using (var rule = await http.PostAsJsonAsync("/api/rules", new { name = "bench: every trace", severity = "info", enabled = true, expression = "span.name == \"bench.root\"" }, ct))
        {
            rule.EnsureSuccessStatusCode();
        }

        var seen = new ConcurrentDictionary<string, long>();
        await using var signals = await nats.SubscribeCoreAsync<Signal>("signals.created", cancellationToken: ct);
        var reader = Task.Run(async () =>
        {
            await foreach (var msg in signals.Msgs.ReadAllAsync(ct))
            {
                if (msg.Data is { } signal)
                {
                    seen.TryAdd(signal.TraceId, Stopwatch.GetTimestamp());
                }
            }
        }, ct);

        // Warm-up under full load: connection pools, rule caches, and above all tiered compilation, which keeps a fresh
        // process's hot paths in unoptimised code for tens of seconds under load (seconds of JIT per second, measured).
        var loops = Enumerable.Range(0, concurrency).Select(_ => new LoadLoop(api)).ToArray();
        Console.WriteLine($"warming up: {concurrency} clients for {warmUpSeconds} s");
        var warmed = await PostForAsync(loops, TimeSpan.FromSeconds(Math.Max(1, warmUpSeconds)), new ConcurrentDictionary<string, long>(), ct);
        await SteadyState.WaitAsync(app, async step => warmed += await PostForAsync(loops, TimeSpan.FromSeconds(5), new ConcurrentDictionary<string, long>(), step),
            TimeSpan.FromSeconds(BenchArgs.Int(args, "--settle", 180)), ct);
        await WaitForAsync(() => seen.Count >= warmed, TimeSpan.FromSeconds(120), ct);
        seen.Clear();
        Refused.Clear();
        AcceptMs.Clear();

        Console.WriteLine($"throughput: {concurrency} clients for {seconds} s");
        var sent = new ConcurrentDictionary<string, long>();
        var cpu = CpuSample.Take();
        var writes = await StatusWritesAsync(jobStatuses, ct);
        var start = Stopwatch.GetTimestamp();
        var accepted = await PostForAsync(loops, TimeSpan.FromSeconds(seconds), sent, ct);
        var acceptElapsed = Stopwatch.GetElapsedTime(start);
        await WaitForAsync(() => seen.Count >= accepted, TimeSpan.FromSeconds(120), ct);
        var cpuEnd = CpuSample.Take();
        var analysedElapsed = TimeSpan.FromTicks((long)((seen.Values.Max() - start) * (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ingest: accepted {accepted} traces in {acceptElapsed.TotalSeconds:F2}s = {accepted / acceptElapsed.TotalSeconds:F0} traces/s; " +
            $"analysed (signal seen) {seen.Count} in {analysedElapsed.TotalSeconds:F2}s = {seen.Count / analysedElapsed.TotalSeconds:F0} traces/s"));
        Report("throughput", sent, seen);
        cpuEnd.Report(cpu, accepted, "throughput");
        await ReportStatusWritesAsync(jobStatuses, writes, accepted, "throughput", ct);
        ReportAccept();
        ReportRefused();

        seen.Clear();
        sent.Clear();
        Console.WriteLine($"latency: {rate} traces/s for {seconds} s");
        var total = rate * seconds;
        cpu = CpuSample.Take();
        writes = await StatusWritesAsync(jobStatuses, ct);
        var paced = Stopwatch.GetTimestamp();
        await PostManyAsync(loops, total, sent, ct, rate);
        var sendElapsed = Stopwatch.GetElapsedTime(paced);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sent {total} traces in {sendElapsed.TotalSeconds:F2}s = {total / sendElapsed.TotalSeconds:F0} traces/s achieved (asked {rate}/s)"));
        await WaitForAsync(() => seen.Count >= total, TimeSpan.FromSeconds(120), ct);
        CpuSample.Take().Report(cpu, total, $"at {rate}/s");
        await ReportStatusWritesAsync(jobStatuses, writes, total, $"at {rate}/s", ct);
        Report($"at {rate}/s", sent, seen);
        await Task.Delay(TimeSpan.FromSeconds(3), ct); // the services' last span exports
        IngestStages.Report(app.Services.GetRequiredService<DashboardServer>().Store, sent, seen);
        ReportAccept();
        ReportRefused();
        foreach (var loop in loops)
        {
            loop.Dispose();
        }

        await cts.CancelAsync();
        return 0;
    }

    /// <summary>How many writes the job status bucket has taken so far (its stream's last sequence).</summary>
    private static async Task<ulong> StatusWritesAsync(INatsKVStore bucket, CancellationToken ct) =>
        (await bucket.GetStatusAsync(ct)).Info.State.LastSeq;

    /// <summary>
    /// Prints the job status writes per trace since <paramref name="since"/>: 2 when each job goes straight from
    /// <c>queued</c> to <c>succeeded</c>, more when jobs outlive the worker's running-status delay.
    /// </summary>
    private static async Task ReportStatusWritesAsync(INatsKVStore bucket, ulong since, int traces, string label, CancellationToken ct)
    {
        var writes = await StatusWritesAsync(bucket, ct) - since;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: {writes} job status writes, {writes / (double)Math.Max(1, traces):F2} per trace"));
    }

    /// <summary>Prints the requests the API refused since the last call, by status, and starts counting afresh.</summary>
    private static void ReportRefused()
    {
        Console.WriteLine("refused: " + (Refused.IsEmpty ? "none" : string.Join(", ", Refused.Select(r => $"{r.Value} x {r.Key}"))));
        Refused.Clear();
    }

    /// <summary>Prints the HTTP accept latency (request sent → 202 read) since the last call, and starts counting afresh.</summary>
    private static void ReportAccept()
    {
        var ms = AcceptMs.Order().ToArray();
        AcceptMs.Clear();
        if (ms.Length > 0)
        {
            double P(double q) => Percentile.Of(ms, q);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"accept (POST → 202) latency over {ms.Length} requests: p50 {P(0.50):F1} ms, p99 {P(0.99):F1} ms"));
        }
    }

    private static void Report(string label, ConcurrentDictionary<string, long> sent, ConcurrentDictionary<string, long> seen)
    {
        var latencies = sent.Where(s => seen.ContainsKey(s.Key))
            .Select(s => (seen[s.Key] - s.Value) * 1000.0 / Stopwatch.Frequency)
            .Order().ToArray();
        if (latencies.Length == 0)
        {
            Console.WriteLine($"{label}: no signals");
            return;
        }

        double P(double q) => Percentile.Of(latencies, q);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: accept→signal latency over {latencies.Length} traces: p50 {P(0.50):F1} ms, p95 {P(0.95):F1} ms, p99 {P(0.99):F1} ms, max {latencies[^1]:F1} ms"));
    }

    private static async Task<int> PostForAsync(LoadLoop[] loops, TimeSpan duration, ConcurrentDictionary<string, long> sent, CancellationToken ct)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var accepted = 0;
        await Task.WhenAll(loops.Select(loop => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                if (await PostOneAsync(loop, sent, ct))
                {
                    Interlocked.Increment(ref accepted);
                }
            }
        }, ct)));
        return accepted;
    }

    private static async Task PostManyAsync(LoadLoop[] loops, int count, ConcurrentDictionary<string, long>? sent, CancellationToken ct, int? rate = null)
    {
        var next = -1;
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(loops.Select(loop => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                if (rate is { } r)
                {
                    var due = start + (long)(i * (double)Stopwatch.Frequency / r);
                    var wait = due - Stopwatch.GetTimestamp();
                    if (wait > 0)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency), ct);
                    }
                }

                await PostOneAsync(loop, sent, ct);
            }
        }, ct)));
    }

    private static async Task<bool> PostOneAsync(LoadLoop loop, ConcurrentDictionary<string, long>? sent, CancellationToken ct)
    {
        var traceId = NewTraceId();
        var body = loop.Trace(traceId, DateTimeOffset.UtcNow);
        var started = Stopwatch.GetTimestamp();
        sent?.TryAdd(traceId, started);
        var status = await loop.Client.PostAsync("/api/traces", body, IngestStages.TraceParent(traceId, Random.Shared.NextDouble() < _sampled), ct);
        AcceptMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (status != (int)HttpStatusCode.Accepted)
        {
            Refused.AddOrUpdate(status, 1, (_, n) => n + 1);
            sent?.TryRemove(traceId, out var _);
            return false;
        }

        return true;
    }

    /// <summary>
    /// A 10-span Fluo JSON trace (a root and nine children in two services, with attributes), written directly: the
    /// load generator shares the cores with the system it measures, so it should not spend them on reflection (nor
    /// on a cryptographic generator for ids that need only be unique, nor on strings for them).
    /// </summary>
    private static void TraceJson(Utf8JsonWriter w, string traceId, DateTimeOffset now)
    {
        Span<byte> id = stackalloc byte[8];
        Span<char> root = stackalloc char[16];
        Span<char> hex = stackalloc char[16];
        Random.Shared.NextBytes(id);
        Convert.TryToHexStringLower(id, root, out _);
        w.WriteStartObject();
        w.WriteString("traceId", traceId);
        w.WriteStartArray("spans");
        for (var i = 0; i < 10; i++)
        {
            w.WriteStartObject();
            if (i == 0)
            {
                w.WriteString("spanId", root);
                w.WriteString("name", "bench.root");
                w.WriteString("service", "shop");
                w.WriteString("start", now);
                w.WriteNumber("durationMs", 40.0);
            }
            else
            {
                Random.Shared.NextBytes(id);
                Convert.TryToHexStringLower(id, hex, out _);
                w.WriteString("spanId", hex);
                w.WriteString("parentSpanId", root);
                w.WriteString("name", i % 2 == 0 ? "db.query" : "http.call");
                w.WriteString("service", i % 3 == 0 ? "cart" : "payments");
                w.WriteString("start", now.AddMilliseconds(i));
                w.WriteNumber("durationMs", 3.0 * i);
                w.WriteStartObject("attributes");
                w.WriteNumber("http.status_code", 200);
                w.WriteString("db.system", "postgresql");
                w.WriteEndObject();
            }

            w.WriteString("status", "ok");
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string NewTraceId()
    {
        Span<byte> id = stackalloc byte[16];
        Random.Shared.NextBytes(id);
        return Convert.ToHexStringLower(id);
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, CancellationToken ct)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < until)
        {
            await Task.Delay(50, ct);
        }
    }

    /// <summary>One client loop's own connection and trace buffer, kept from the warm-up through every phase.</summary>
    private sealed class LoadLoop(Uri api) : IDisposable
    {
        private readonly ArrayBufferWriter<byte> _json = new(4096);
        private Utf8JsonWriter? _writer;

        public HttpLoadClient Client { get; } = new(api);

        /// <summary>Writes a trace (<see cref="TraceJson"/>) into the reused buffer; valid until the next call.</summary>
        public ReadOnlyMemory<byte> Trace(string traceId, DateTimeOffset now)
        {
            _json.ResetWrittenCount();
            if (_writer is null)
            {
                _writer = new Utf8JsonWriter(_json);
            }
            else
            {
                _writer.Reset(_json);
            }

            TraceJson(_writer, traceId, now);
            _writer.Flush();
            return _json.WrittenMemory;
        }

        public void Dispose()
        {
            Client.Dispose();
            _writer?.Dispose();
        }
    }
}
