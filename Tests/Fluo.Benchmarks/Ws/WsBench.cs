using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Fluo.Benchmarks.Cli;
using Fluo.Contracts;
using Fluo.Contracts.Rules;
using Fluo.Contracts.Signals;
using Fluo.Hosting;
using Fluo.Hosting.ApplicationModel;
using Fluo.Hosting.Testing;
using Fluo.Nats;
using Fluo.Nats.JetStream;

namespace Fluo.Benchmarks.Ws;

/// <summary>
/// <c>ws</c>: starts the system (the real AppHost model, isolated state), opens <c>--clients</c> WebSockets to one web
/// process (one signed-in user's cookie, the per-user limit raised for the run), subscribes each to <c>signals</c>,
/// then publishes <c>Signal</c> records to <c>signals.created</c> (the SIGNALS stream the web consumes) at
/// <c>--rate</c> per second for <c>--seconds</c>. Each record carries its publish time (a monotonic timestamp in
/// <c>ruleName</c>), so every client frame gives one publish→frame latency. A warm-up at the same rate
/// (<c>--warmup</c> seconds, then on until the services have stopped compiling, at most <c>--settle</c> seconds more:
/// <see cref="SteadyState"/>) comes first. Reports delivered frames/s, latency p50/p95/p99/max, and dropped frames
/// and errored connections; <c>--frames FILE</c> also writes every frame's publish and arrival time.
/// </summary>
internal static partial class WsBench
{
    private const string Password = "Bench-admin-1!";
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    private static readonly byte[] Marker = "\"ruleName\":\"bench:"u8.ToArray();

    public static async Task<int> RunAsync(string[] args)
    {
        var clients = BenchArgs.Int(args, "--clients", 1000);
        var rate = BenchArgs.Int(args, "--rate", 100);
        var seconds = BenchArgs.Int(args, "--seconds", 10);
        var warmUpSeconds = BenchArgs.Int(args, "--warmup", 30);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = cts.Token;

        // The clients' socket completions run on the runtime's epoll thread instead of a thread-pool item each: the
        // load generator shares two cores with the web it measures, and waking a pool thread per read costs more than
        // parsing the frames. Read once, when the first socket operation starts the engine, so set before any.
        // The services are started with it off, as deployed.
        Environment.SetEnvironmentVariable(InlineCompletions, "1");

        Console.WriteLine("starting the system (nats, postgres, backend, 2 workers, api, web)...");
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync(Assembly.Load("Fluo.AppHost"), [], ct);
        builder.Configuration["Parameters:web-admin-password"] = Password;
        var web = (ProjectResource)builder.Resources.Single(r => r.Name == "web");
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            project.Environment.Add(new EnvironmentEntry(InlineCompletions, EnvironmentValueKind.Literal, "0"));
        }

        web.Environment.Add(new EnvironmentEntry("Fluo__Web__MaxConnectionsPerUser", EnvironmentValueKind.Literal, (clients + 10).ToString(CultureInfo.InvariantCulture)));
        ProjectEnv.Apply(args, "--env", builder.Resources.OfType<ProjectResource>());
        ProjectEnv.Apply(args, "--web-env", [web]);

        await using var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        await app.WaitForAllResourcesHealthyAsync(ct);
        var webUri = app.GetEndpoint("web");
        var cookies = await SignInAsync(webUri, ct);
        await using var nats = new NatsConnection(NatsOpts.Default with { Url = (await app.GetConnectionStringAsync("nats", ct))!, SerializerRegistry = FluoJsonContext.Registry });
        await nats.ConnectAsync(ct);
        var js = nats.CreateJetStreamContext();

        Console.WriteLine($"connecting {clients} WebSocket clients to {webUri}...");
        var framesFile = BenchArgs.Text(args, "--frames");
        var recorder = new Recorder(clients * (rate * seconds + 200), keepPublished: framesFile is not null);
        var wsUri = new Uri($"ws://{webUri.Authority}/ws");
        var connecting = Stopwatch.StartNew();
        var all = new List<WsClient>(clients);
        var cookie = cookies.GetCookieHeader(webUri);
        using (var gate = new SemaphoreSlim(32))
        {
            var tasks = Enumerable.Range(0, clients).Select(async i =>
            {
                await gate.WaitAsync(ct);
                try
                {
                    return await ConnectAsync(wsUri, cookie, recorder, ct);
                }
                finally
                {
                    gate.Release();
                }
            }).ToList();
            all.AddRange(await Task.WhenAll(tasks));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{all.Count} clients subscribed in {connecting.Elapsed.TotalSeconds:F1} s"));

        // Warm-up at the measured rate: a fresh process runs its hot paths as unoptimised tier-0 (and PGO-instrumented)
        // code until tiered compilation has recompiled them, which under full load takes tens of seconds and shows
        // as seconds of JIT time per second. The figures are for a web process that has been serving a while.
        var warmUp = Math.Max(1, rate * warmUpSeconds);
        Console.WriteLine($"warming up: {rate} signals/s for {warmUpSeconds} s...");
        await PublishAsync(js, rate, warmUp, ct);
        await SteadyState.WaitAsync(app, step => PublishAsync(js, rate, rate * 5, step), TimeSpan.FromSeconds(BenchArgs.Int(args, "--settle", 180)), ct);
        await WaitQuietAsync(recorder, ct, expected: (long)warmUp * clients);

        Console.WriteLine($"publishing {rate} signals/s for {seconds} s to {clients} clients...");
        var total = rate * seconds;
        using var webProcess = Process.GetProcessById(app.ResourceNotifications.TryGet("web")!.Replicas[0].ProcessId!.Value);
        var webCpu = webProcess.TotalProcessorTime;
        var (webUser, webSys) = UserSys(webProcess.Id);
        var ownCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var ownGc = (Pause: GC.GetTotalPauseDuration(), Gen0: GC.CollectionCount(0), Gen1: GC.CollectionCount(1), Gen2: GC.CollectionCount(2));
        var start = Stopwatch.GetTimestamp();
        recorder.Reset(since: start);
        await PublishAsync(js, rate, total, ct);
        var published = Stopwatch.GetElapsedTime(start);
        await WaitQuietAsync(recorder, ct, expected: (long)total * clients);
        var elapsed = TimeSpan.FromTicks((long)((recorder.LastAt - start) * (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency));

        webProcess.Refresh();
        webCpu = webProcess.TotalProcessorTime - webCpu;
        var (webUserEnd, webSysEnd) = UserSys(webProcess.Id);
        ownCpu = Process.GetCurrentProcess().TotalProcessorTime - ownCpu;
        ownGc = (GC.GetTotalPauseDuration() - ownGc.Pause, GC.CollectionCount(0) - ownGc.Gen0, GC.CollectionCount(1) - ownGc.Gen1, GC.CollectionCount(2) - ownGc.Gen2);
        var latencies = recorder.Latencies();
        if (framesFile is not null)
        {
            recorder.WriteFrames(framesFile);
        }

        var expected = (long)total * clients;
        var errored = all.Count(c => c.Failed is not null);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"published {total} signals in {published.TotalSeconds:F2} s ({total / published.TotalSeconds:F0}/s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"delivered {latencies.Length} of {expected} frames in {elapsed.TotalSeconds:F2} s = {latencies.Length / elapsed.TotalSeconds:F0} frames/s; dropped {expected - latencies.Length}"));
        if (latencies.Length > 0)
        {
            double P(double q) => Percentile.Of(latencies, q);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"publish→client-frame latency: p50 {P(0.50):F1} ms, p95 {P(0.95):F1} ms, p99 {P(0.99):F1} ms, max {latencies[^1]:F1} ms"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cpu: web process {webCpu.TotalSeconds:F1} s (user {webUserEnd - webUser:F1} s, kernel {webSysEnd - webSys:F1} s; {webCpu.TotalMicroseconds / Math.Max(1, latencies.Length):F1} µs per frame), bench clients {ownCpu.TotalSeconds:F1} s (GC pauses {ownGc.Pause.TotalMilliseconds:F0} ms in {ownGc.Gen0}/{ownGc.Gen1}/{ownGc.Gen2} gen0/1/2 collections); machine load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
        Console.WriteLine($"connections: {all.Count - errored} ok, {errored} errored" +
            (errored > 0 ? " (" + string.Join("; ", all.Where(c => c.Failed is not null).Select(c => c.Failed).Distinct().Take(3)) + ")" : string.Empty));
        await Task.WhenAll(all.Select(c => c.DisposeAsync().AsTask()));
        return 0;
    }

    /// <summary>User and kernel CPU seconds of a process (Linux /proc).</summary>
    private static (double User, double Sys) UserSys(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime are fields 14 and 15 of the line (11 and 12 after the command), in clock ticks (100/s).
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) / 100.0, long.Parse(fields[12], CultureInfo.InvariantCulture) / 100.0);
    }

    private static async Task PublishAsync(INatsJSContext js, int rate, int count, CancellationToken ct)
    {
        var ruleId = Guid.NewGuid();
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var due = start + (long)(i * (double)Stopwatch.Frequency / rate);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromTicks((long)(wait * (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency)), ct);
            }

            var signal = new Signal(Guid.NewGuid(), ruleId, "bench:" + Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture),
                "0af7651916cd43dd8448eb211c80319c", Guid.NewGuid(), ["b7ad6b7169203331"], Severity.Info, SignalStatus.Open, DateTimeOffset.UtcNow, null, null);
            await js.PublishAsync("signals.created", signal, cancellationToken: ct);
        }
    }

    /// <summary>Waits until <paramref name="expected"/> frames arrived, or nothing arrived for 3 s.</summary>
    private static async Task WaitQuietAsync(Recorder recorder, CancellationToken ct, long expected = long.MaxValue)
    {
        var last = -1L;
        var quietSince = Stopwatch.GetTimestamp();
        while (recorder.Count < expected)
        {
            await Task.Delay(100, ct);
            if (recorder.Count != last)
            {
                last = recorder.Count;
                quietSince = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(quietSince) > TimeSpan.FromSeconds(3))
            {
                return;
            }
        }
    }

    private static async Task<CookieContainer> SignInAsync(Uri web, CancellationToken ct)
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = web };
        var page = await http.GetStringAsync("/login", ct);
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["UserName"] = "admin", ["Password"] = Password, ["__RequestVerificationToken"] = token });
        using var response = await http.PostAsync("/login", form, ct);
        if (response.StatusCode != HttpStatusCode.Redirect || cookies.GetCookies(web)["fluo.auth"] is null)
        {
            throw new InvalidOperationException($"sign-in failed: {(int)response.StatusCode}");
        }

        return cookies;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    /// <summary>Publish→frame latencies of all clients (ticks), appended lock-free.</summary>
    private sealed class Recorder(int capacity, bool keepPublished)
    {
        private readonly long[] _ticks = new long[capacity];
        private readonly long[]? _published = keepPublished ? new long[capacity] : null;
        private long _count;
        private long _lastAt;
        private long _since;

        public long Count => Interlocked.Read(ref _count);

        public long LastAt => Interlocked.Read(ref _lastAt);

        public void Add(long publishedAt)
        {
            if (publishedAt < Interlocked.Read(ref _since))
            {
                return; // a frame of an earlier phase
            }

            var now = Stopwatch.GetTimestamp();
            var i = Interlocked.Increment(ref _count) - 1;
            if (i < _ticks.Length)
            {
                _ticks[i] = now - publishedAt;
                _published?[i] = publishedAt;
            }

            Interlocked.Exchange(ref _lastAt, now);
        }

        public void Reset(long since)
        {
            Interlocked.Exchange(ref _since, since);
            Interlocked.Exchange(ref _count, 0);
        }

        /// <summary>
        /// Writes every frame as <c>published,arrived</c> (<see cref="Stopwatch"/> ticks, in arrival order), after a first
        /// line with the tick frequency: which event each frame carried shows how long one fan-out took to reach every client.
        /// </summary>
        public void WriteFrames(string path)
        {
            using var writer = new StreamWriter(path);
            writer.WriteLine(Stopwatch.Frequency.ToString(CultureInfo.InvariantCulture));
            var n = (int)Math.Min(Count, _ticks.Length);
            for (var i = 0; i < n; i++)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{_published![i]},{_published[i] + _ticks[i]}"));
            }
        }

        public double[] Latencies()
        {
            var n = (int)Math.Min(Count, _ticks.Length);
            var ms = new double[n];
            for (var i = 0; i < n; i++)
            {
                ms[i] = _ticks[i] * 1000.0 / Stopwatch.Frequency;
            }

            Array.Sort(ms);
            return ms;
        }
    }

    /// <summary>Connects one client, subscribes it to <c>signals</c> and has it record the latency of every bench signal it gets.</summary>
    private static async Task<WsClient> ConnectAsync(Uri ws, string cookie, Recorder recorder, CancellationToken ct)
    {
        var client = await WsClient.ConnectAsync(ws, cookie, frame =>
        {
            var at = frame.IndexOf(Marker);
            if (at >= 0 && Utf8Parser.TryParse(frame[(at + Marker.Length)..], out long publishedAt, out _))
            {
                recorder.Add(publishedAt);
            }
        }, ct);
        await client.ExpectAsync("authenticated", ct);
        await client.SendTextAsync("{\"type\":\"subscribe\",\"channel\":\"signals\",\"id\":\"s\"}", ct);
        await client.ExpectAsync("subscribed", ct);
        client.StartReceiving();
        return client;
    }
}
