using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Fluo.Web.Live;

/// <summary>
/// The <c>Fluo.Web</c> meter: what the WebSocket gateway sends and how fast it fans out. Frames per write shows how
/// much the <see cref="CorkedStream"/> coalesces (1 when clients keep up; more when they fall behind).
/// </summary>
public sealed class LiveMetrics
{
    /// <summary>The meter's name (the application name, which ServiceDefaults already exports).</summary>
    public const string MeterName = "Fluo.Web";

    private readonly Counter<long> _frames;
    private readonly Counter<long> _writes;
    private readonly Counter<long> _slowConsumers;
    private readonly Histogram<double> _fanOut;

    private readonly Meter _meter;

    /// <summary>Creates the instruments.</summary>
    public LiveMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = _meter = meterFactory.Create(MeterName);
        _frames = meter.CreateCounter<long>("fluo.web.live.frames", "{frame}", "Frames sent to WebSocket clients.");
        _writes = meter.CreateCounter<long>("fluo.web.live.writes", "{write}", "Writes to client connections carrying those frames (several queued frames go out in one).");
        _slowConsumers = meter.CreateCounter<long>("fluo.web.live.slow_consumers", "{connection}", "Connections closed because their send queue was full.");
        _fanOut = meter.CreateHistogram<double>("fluo.web.live.fanout.duration", "s", "Time to queue one event on every subscribed connection.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1] });
    }

    internal void Observe(LiveHub hub) =>
        _meter.CreateObservableUpDownCounter("fluo.web.live.connections", () => hub.ConnectionCount, "{connection}", "Open WebSocket connections.");

    internal void Sent(int frames, int writes)
    {
        _frames.Add(frames);
        _writes.Add(writes);
    }

    internal void SlowConsumer() => _slowConsumers.Add(1);

    internal void FannedOut(long startedAt) => _fanOut.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds);
}
