using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Fluo.Api.Outbox;

namespace Fluo.Api;

/// <summary>The Api's activity source and meter, both named <c>Fluo.Api</c>.</summary>
public static class ApiTelemetry
{
    /// <summary>The name of the source and the meter.</summary>
    public const string Name = "Fluo.Api";

    /// <summary>Spans of the Api's own work, such as the batched intake write.</summary>
    public static readonly ActivitySource Source = new(Name);
}

/// <summary>The Api's instruments: accepted traces, outbox lag and backlog, relay publishes and failures.</summary>
public sealed class ApiMetrics : IDisposable
{
    private readonly Meter _meter;
    private long _pending;
    private double _oldestPendingSeconds;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public ApiMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(ApiTelemetry.Name);
        TracesAccepted = _meter.CreateCounter<long>("fluo.api.traces.accepted", "{trace}", "Traces accepted (Fluo JSON and OTLP).");
        Published = _meter.CreateCounter<long>("fluo.api.outbox.published", "{message}", "Outbox messages published to JetStream.");
        PublishFailures = _meter.CreateCounter<long>("fluo.api.outbox.publish_failures", "{message}", "Outbox publishes that failed and will be retried.");
        Lag = _meter.CreateHistogram<double>("fluo.api.outbox.lag", "s", "Time from the outbox insert to the JetStream ack.");
        _meter.CreateObservableGauge("fluo.api.outbox.pending", () => Volatile.Read(ref _pending), "{message}", string.Create(CultureInfo.InvariantCulture, $"Outbox rows not yet published (last seen by the relay, counted up to {OutboxRelay.BacklogCountLimit:N0})."));
        _meter.CreateObservableGauge("fluo.api.outbox.oldest_pending", () => Volatile.Read(ref _oldestPendingSeconds), "s", "Age of the oldest unpublished outbox row.");
    }

    /// <summary>Traces accepted.</summary>
    public Counter<long> TracesAccepted { get; }

    /// <summary>Messages published by the relay.</summary>
    public Counter<long> Published { get; }

    /// <summary>Publishes that failed.</summary>
    public Counter<long> PublishFailures { get; }

    /// <summary>Insert-to-ack time per message.</summary>
    public Histogram<double> Lag { get; }

    /// <summary>Records the backlog the relay saw.</summary>
    public void SetBacklog(long pending, double oldestSeconds)
    {
        Volatile.Write(ref _pending, pending);
        Volatile.Write(ref _oldestPendingSeconds, oldestSeconds);
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
