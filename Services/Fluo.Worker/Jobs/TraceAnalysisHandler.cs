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
/// <c>trace_analysis</c>: every enabled rule on the job's trace; the violations and the job's final status are recorded
/// by the Backend in one request (idempotent per job and rule, so a repeat returns the same signals), then each signal
/// is published on <c>signals.created</c> with its id as <c>Nats-Msg-Id</c>, so a repeat is dropped by the SIGNALS
/// stream's duplicate window, while the final status goes to the bucket. Concurrent jobs' records go to the Backend
/// together (<see cref="SignalRecorder"/>).
/// </summary>
/// <remarks>
/// The job is recorded as succeeded before its signals are published; the message is acknowledged only after both, so
/// a worker that dies in between leaves the job to be delivered again, recorded again (the same signals, the same
/// final state) and its signals published then.
/// </remarks>
internal sealed class TraceAnalysisHandler(RuleCache rules, SignalRecorder signals, INatsJSContext js)
{
    /// <summary>Analyses the job's trace; returns its final status as the Backend recorded it.</summary>
    public async Task<JobStatus> HandleAsync(TraceAnalysisJob job, JobContext context, CancellationToken cancellationToken)
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

        // The Backend fills in the recorded signals' ids.
        var completion = context.Succeeded(new JobResult(Analysis: new TraceAnalysisResult(job.Trace.TraceId, active.Count, [])));
        var recorded = await signals.RecordAsync(new RecordSignalsRequest(job.JobId, job.Trace.TraceId, violations ?? [], completion), cancellationToken);
        var final = recorded.Job?.Status
            ?? throw new BackendException(BackendFailure.Unreadable, 502, $"The Backend recorded the signals of job {job.JobId:N} without its final status.");

        // The signals and the final status (recorded in the Backend already) all written at once, then all acknowledged:
        // one round trip's wait for the lot rather than one per write.
        await Task.WhenAll([.. recorded.Signals.Select(signal => PublishAsync(signal, cancellationToken)), context.FinishAsync(final, cancellationToken)]);
        return final;
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
