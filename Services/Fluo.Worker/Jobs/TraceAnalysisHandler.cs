using Fluo.Contracts.Backend;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;
using Fluo.Contracts.Signals;
using Fluo.Nats;
using Fluo.Nats.JetStream;
using Fluo.Worker.Batching;
using Fluo.Worker.Rules;

namespace Fluo.Worker.Jobs;

/// <summary>
/// <c>trace_analysis</c>: every enabled rule on the job's trace; violations are recorded by the Backend (idempotent
/// per job and rule, so a repeat returns the same signals) and each signal is published on <c>signals.created</c>
/// with its id as <c>Nats-Msg-Id</c>, so a repeat is dropped by the SIGNALS stream's duplicate window. Concurrent jobs'
/// records go to the Backend together (<see cref="SignalRecorder"/>).
/// </summary>
internal sealed class TraceAnalysisHandler(RuleCache rules, SignalRecorder signals, INatsJSContext js)
{
    public async Task<JobResult> HandleAsync(TraceAnalysisJob job, CancellationToken cancellationToken)
    {
        var active = await rules.GetEnabledAsync(cancellationToken);
        List<Violation>? violations = null;
        foreach (var rule in active)
        {
            var evaluation = rule.Compiled.Evaluate(job.Trace);
            if (evaluation.Violated)
            {
                (violations ??= []).Add(new Violation(rule.Rule.Id, rule.Rule.Name, rule.Rule.Severity, evaluation.OffendingSpanIds));
            }
        }

        if (violations is null)
        {
            return new JobResult(Analysis: new TraceAnalysisResult(job.Trace.TraceId, active.Count, []));
        }

        var recorded = await signals.RecordAsync(new RecordSignalsRequest(job.JobId, job.Trace.TraceId, violations), cancellationToken);

        // All published at once, then all acknowledged: one round trip's wait for the lot rather than one per signal.
        await Task.WhenAll(recorded.Signals.Select(signal => PublishAsync(signal, cancellationToken)));
        var ids = recorded.Signals.Select(s => s.Id).ToArray();
        return new JobResult(Analysis: new TraceAnalysisResult(job.Trace.TraceId, active.Count, ids));
    }

    private async Task PublishAsync(Signal signal, CancellationToken cancellationToken)
    {
        try
        {
            await js.PublishAsync(Subjects.SignalCreated, signal, new NatsJSPubOpts { MsgId = signal.Id.ToString() }, cancellationToken: cancellationToken);
        }
        catch (NatsException ex)
        {
            throw new TransientJobException($"Publishing signal {signal.Id} on {Subjects.SignalCreated} failed: {ex.Message}", ex);
        }
    }
}
