using System.Collections.Concurrent;
using System.Diagnostics;

namespace Fluo.Testing.Telemetry;

/// <summary>Samples every span of the named activity sources (in this process) and keeps those that stopped.</summary>
public sealed class SpanRecorder : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    /// <summary>Starts listening to <paramref name="sources"/>.</summary>
    public SpanRecorder(params string[] sources)
    {
        var names = sources.ToHashSet(StringComparer.Ordinal);
        _listener = new ActivityListener
        {
            ShouldListenTo = source => names.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The spans stopped so far, in the order they stopped (a snapshot).</summary>
    public IReadOnlyList<Activity> Stopped => [.. _stopped];

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();
}
