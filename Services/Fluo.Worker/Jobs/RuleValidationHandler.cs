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
        var traces = await backend.RequestAsync<RecentTracesRequest, TraceList>(BackendSubjects.TracesRecent, new RecentTracesRequest(sample), cancellationToken);
        var flagged = 0;
        var flaggedIds = new List<string>(MaxFlaggedIds);
        foreach (var trace in traces.Items)
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

        return new JobResult(Backtest: new RuleBacktest(true, traces.Items.Count, flagged, flaggedIds, []));
    }
}
