using System.Diagnostics;

namespace Fluo.ServiceDefaults.Telemetry;

/// <summary>Spans for work done once on behalf of several callers (a coalesced write or request).</summary>
public static class BatchActivity
{
    /// <summary>
    /// Starts <paramref name="name"/> for <paramref name="callers"/>: for a lone caller it continues that caller's
    /// trace; for several it is a root span linking every caller that had a trace, since it belongs to no single one.
    /// </summary>
    public static Activity? StartBatchActivity<T>(this ActivitySource source, string name, IReadOnlyList<T> callers, Func<T, ActivityContext> parentOf)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(callers);
        ArgumentNullException.ThrowIfNull(parentOf);
        return callers.Count == 1
            ? source.StartActivity(name, ActivityKind.Internal, parentOf(callers[0]))
            : source.StartActivity(name, ActivityKind.Internal, default(ActivityContext),
                links: [.. callers.Select(parentOf).Where(p => p != default).Select(p => new ActivityLink(p))]);
    }
}
