using System.Diagnostics.CodeAnalysis;

namespace Fluo.Web.Live;

/// <summary>What a channel carries.</summary>
public enum ChannelKind
{
    /// <summary><c>signals</c>: every signal created or changed.</summary>
    Signals,
    /// <summary><c>signal:{id}</c>: one signal's changes.</summary>
    Signal,
    /// <summary><c>jobs</c>: every job status.</summary>
    Jobs,
    /// <summary><c>job:{id}</c>: one job's status.</summary>
    Job,
    /// <summary><c>metrics</c>: periodic samples (no replay).</summary>
    Metrics,
    /// <summary><c>system</c>: service start-ups and sign-ins (events.&gt;).</summary>
    System,
}

/// <summary>Where live events come from; each source with a stream can be replayed by sequence.</summary>
public enum EventSource
{
    /// <summary>The SIGNALS stream.</summary>
    Signals,
    /// <summary>The <c>fluo_jobs</c> bucket (stream <c>KV_fluo_jobs</c>; sequence = revision).</summary>
    Jobs,
    /// <summary>The EVENTS stream.</summary>
    System,
    /// <summary>Samples made by this process.</summary>
    Metrics,
}

/// <summary>A parsed channel name.</summary>
/// <param name="Kind">What it carries.</param>
/// <param name="Id">The signal or job for <see cref="ChannelKind.Signal"/> and <see cref="ChannelKind.Job"/>.</param>
public readonly record struct LiveChannel(ChannelKind Kind, Guid Id = default)
{
    /// <summary>The canonical name (ids in the 36-character "D" form).</summary>
    public string Name => Kind switch
    {
        ChannelKind.Signals => "signals",
        ChannelKind.Signal => "signal:" + Id.ToString("D"),
        ChannelKind.Jobs => "jobs",
        ChannelKind.Job => "job:" + Id.ToString("D"),
        ChannelKind.Metrics => "metrics",
        _ => "system",
    };

    /// <summary>Where its events come from.</summary>
    public EventSource Source => Kind switch
    {
        ChannelKind.Signals or ChannelKind.Signal => EventSource.Signals,
        ChannelKind.Jobs or ChannelKind.Job => EventSource.Jobs,
        ChannelKind.Metrics => EventSource.Metrics,
        _ => EventSource.System,
    };

    /// <summary>Whether clients may publish to it (resolve / reopen a signal).</summary>
    public bool AllowsPublish => Kind == ChannelKind.Signal;

    /// <summary>Whether <paramref name="e"/> belongs on this channel.</summary>
    public bool Matches(LiveEvent e) => e.Source == Source && (Kind is not (ChannelKind.Signal or ChannelKind.Job) || e.Key == Id);

    /// <summary>Parses <c>signals</c>, <c>signal:{id}</c>, <c>jobs</c>, <c>job:{id}</c>, <c>metrics</c> or <c>system</c>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? name, out LiveChannel channel)
    {
        channel = default;
        switch (name)
        {
            case null: return false;
            case "signals": channel = new(ChannelKind.Signals); return true;
            case "jobs": channel = new(ChannelKind.Jobs); return true;
            case "metrics": channel = new(ChannelKind.Metrics); return true;
            case "system": channel = new(ChannelKind.System); return true;
        }

        if (name.StartsWith("signal:", StringComparison.Ordinal) && Guid.TryParse(name.AsSpan(7), out var signal))
        {
            channel = new(ChannelKind.Signal, signal);
            return true;
        }

        if (name.StartsWith("job:", StringComparison.Ordinal) && Guid.TryParse(name.AsSpan(4), out var job))
        {
            channel = new(ChannelKind.Job, job);
            return true;
        }

        return false;
    }
}
