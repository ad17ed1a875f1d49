using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Fluo.Backend.Hosting;

/// <summary>The <c>Fluo.Backend</c> meter (exported by ServiceDefaults, which adds the application's own meter).</summary>
internal sealed class BackendMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Fluo.Backend";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;

    public BackendMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("fluo.backend.requests", "{request}", "Requests handled, by endpoint and outcome (ok or the error code).");
        _duration = meter.CreateHistogram<double>("fluo.backend.request.duration", "s", "Time to handle a request, by endpoint.");
    }

    /// <summary>Counts one handled request.</summary>
    public void Handled(string endpoint, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList { { "fluo.backend.endpoint", endpoint }, { "fluo.backend.outcome", outcome } };
        _requests.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
    }
}
