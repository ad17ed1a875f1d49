using System.Diagnostics;
using System.Diagnostics.Metrics;
using Fluo.Contracts.Jobs;

namespace Fluo.Worker.Telemetry;

/// <summary>The <c>Fluo.Worker</c> meter: jobs processed by type and outcome, and how long they took.</summary>
internal sealed class WorkerMetrics
{
    /// <summary>The meter's name (the application name, which ServiceDefaults already exports).</summary>
    public const string MeterName = "Fluo.Worker";

    private readonly Counter<long> _jobs;
    private readonly Histogram<double> _duration;
    private readonly Histogram<int> _batchItems;

    public WorkerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _jobs = meter.CreateCounter<long>("fluo.worker.jobs", "{job}", "Job deliveries processed, by job type and outcome (succeeded, failed, retried, dead, abandoned).");
        _duration = meter.CreateHistogram<double>("fluo.worker.job.duration", "s", "How long processing one job delivery took.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _batchItems = meter.CreateHistogram<int>("fluo.worker.backend.batch.items", "{item}", "Items per batch request to the Backend, by subject.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
    }

    /// <summary>Counts one batch request of <paramref name="items"/> items to <paramref name="subject"/>.</summary>
    public void BatchSent(string subject, int items) => _batchItems.Record(items, new KeyValuePair<string, object?>("messaging.destination.name", subject));

    public void Record(JobType? type, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList { { "fluo.job.type", TypeName(type) }, { "fluo.job.outcome", outcome } };
        _jobs.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
    }

    public static string TypeName(JobType? type) => type switch
    {
        JobType.TraceAnalysis => "trace_analysis",
        JobType.RuleValidation => "rule_validation",
        JobType.DataExport => "data_export",
        _ => "unknown",
    };
}
