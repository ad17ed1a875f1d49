using Fluo.Contracts.Backend;
using Fluo.Contracts.Jobs;
using Fluo.Rules;

namespace Fluo.Worker.Jobs;

/// <summary>
/// <c>rule_validation</c>: compiles the expression; an invalid one is a successful job whose result lists the errors
/// with their positions; a valid one is back-tested on the most recent stored traces.
/// </summary>
internal sealed class RuleValidationHandler(BackendClient backend)
{
    /// <summary>How many flagged trace ids the result lists.</summary>
    public const int MaxFlaggedIds = 20;

    /// <summary>The largest sample the Backend serves.</summary>
    public const int MaxSampleSize = 10_000;

    public async Task<JobResult> HandleAsync(RuleValidationJob job, CancellationToken cancellationToken)
    {
        var compiled = RuleCompiler.TryCompile(job.Expression ?? string.Empty);
        if (!compiled.Success)
        {
            var errors = compiled.Diagnostics.Select(d => new ExpressionError(d.Message, d.Position, d.Length, d.Line, d.Column)).ToArray();
            return new JobResult(Backtest: new RuleBacktest(false, 0, 0, [], errors));
        }

        var sample = Math.Clamp(job.SampleSize, 1, MaxSampleSize);
        var tested = 0;
        var flagged = 0;
        var flaggedIds = new List<string>(MaxFlaggedIds);
        TraceCursor? before = null;
        do
        {
            // Pages keep each reply within NATS's payload limit; the Backend says where the next one starts.
            var page = await backend.RequestAsync<RecentTracesRequest, TraceList>(BackendSubjects.TracesRecent, new RecentTracesRequest(sample - tested, before), cancellationToken);
            foreach (var trace in page.Items)
            {
                if (compiled.Rule.Evaluate(trace).Violated)
                {
                    flagged++;
                    if (flaggedIds.Count < MaxFlaggedIds)
                    {
                        flaggedIds.Add(trace.TraceId);
                    }
                }
            }

            tested += page.Items.Count;
            before = page.Items.Count > 0 ? page.Next : null;
        }
        while (before is not null && tested < sample);

        return new JobResult(Backtest: new RuleBacktest(true, tested, flagged, flaggedIds, []));
    }
}
