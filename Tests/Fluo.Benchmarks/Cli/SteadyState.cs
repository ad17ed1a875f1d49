using System.Globalization;
using Fluo.Hosting;
using Fluo.Hosting.Dashboard;
using Microsoft.Extensions.DependencyInjection;

namespace Fluo.Benchmarks.Cli;

/// <summary>
/// Extends a warm-up until every service process has stopped compiling. Tiered compilation recompiles a method once it
/// has been called 30 times, so code a service runs once a second (metric export, health checks, the relay's sweep, the
/// web's sampler) is recompiled a minute or more after start, in bursts of hundreds of methods per process; measured,
/// such a burst in the Api and Backend shows as 100–300 ms stalls of the web's fan-out. The figures are for a system
/// that has been serving a while, so the load goes on, in steps, until no service instance compiled more than
/// <see cref="QuietMethods"/> methods in the last <see cref="Window"/>, read from the <c>dotnet.jit.compiled_methods</c>
/// counter each service exports to the AppHost's dashboard.
/// </summary>
internal static class SteadyState
{
    /// <summary>Methods a service instance may still compile in <see cref="Window"/> and count as settled.</summary>
    public const int QuietMethods = 20;

    /// <summary>How far back the counter is compared.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private const string CompiledMethods = "dotnet.jit.compiled_methods";

    /// <summary>
    /// Runs <paramref name="step"/> (a few seconds of the benchmark's load) until the services are settled or
    /// <paramref name="max"/> has passed; prints which and returns the instances still compiling (empty when settled).
    /// </summary>
    public static async Task<IReadOnlyList<string>> WaitAsync(DistributedApplication app, Func<CancellationToken, Task> step, TimeSpan max, CancellationToken ct)
    {
        var store = app.Services.GetRequiredService<DashboardServer>().Store;
        var started = DateTimeOffset.UtcNow;
        while (true)
        {
            var busy = Compiling(store, DateTimeOffset.UtcNow);
            var waited = DateTimeOffset.UtcNow - started;
            if (busy.Count == 0 || waited >= max)
            {
                Console.WriteLine(busy.Count == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"steady: no service compiled more than {QuietMethods} methods in the last {Window.TotalSeconds:F0} s (after {waited.TotalSeconds:F0} s more load)")
                    : $"not steady after {max.TotalSeconds:F0} s more load, still compiling: {string.Join(", ", busy)}");
                return busy;
            }

            await step(ct);
        }
    }

    private static List<string> Compiling(Fluo.Hosting.Dashboard.Telemetry.TelemetryStore store, DateTimeOffset now)
    {
        var busy = new List<string>();
        foreach (var service in store.GetMetricServices())
        {
            foreach (var instance in store.GetMetrics(service, CompiledMethods).GroupBy(p => p.InstanceId))
            {
                var points = instance.Where(p => p.Value is not null).ToList();
                var latest = points.LastOrDefault();
                var before = points.LastOrDefault(p => p.Time <= now - Window);
                // An instance without a reading from a window ago has not been watched long enough to call settled.
                if (latest is null || before is null || latest.Value - before.Value > QuietMethods)
                {
                    busy.Add(string.Create(CultureInfo.InvariantCulture, $"{service}/{instance.Key?[..Math.Min(8, instance.Key.Length)]} (+{latest?.Value - before?.Value ?? double.NaN:F0})"));
                }
            }
        }

        return busy;
    }
}
