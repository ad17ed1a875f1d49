using System.Diagnostics;
using System.Text.Json;
using Fluo.Contracts;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;
using Fluo.Nats.JetStream;
using Fluo.Worker.Batching;
using Fluo.Worker.Jobs;
using Fluo.Worker.Telemetry;
using Microsoft.Extensions.Options;

namespace Fluo.Worker.Consuming;

/// <summary>
/// One job delivery from start to acknowledgement: a process span continuing the producer's trace, status
/// <c>running</c> in the bucket once the job has run for a moment (<see cref="RunningStatus"/>), the handler, then the
/// final status recorded by the Backend (by the trace_analysis handler itself, with its signals) and in the bucket, and
/// only then the ack. Transient failures nak with back-off; permanent ones fail the job and terminate the message; the
/// last allowed delivery dead-letters instead of naking.
/// </summary>
internal sealed class JobProcessor(
    JobStatusStore status,
    JobCompletions completions,
    DeadLetters deadLetters,
    TraceAnalysisHandler traceAnalysis,
    RuleValidationHandler ruleValidation,
    DataExportHandler dataExport,
    WorkerMetrics metrics,
    IOptions<WorkerOptions> options,
    ILogger<JobProcessor> logger)
{
    private readonly WorkerOptions _options = options.Value;

    /// <summary>Processes <paramref name="msg"/>; <paramref name="abort"/> fires when shutdown gives up waiting (the job is then naked for another replica).</summary>
    public async Task ProcessAsync(NatsJSMsg<ReadOnlyMemory<byte>> msg, CancellationToken abort)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = msg.StartActivity();
        var type = Subjects.TypeOf(msg.Subject);
        var attempt = (int)Math.Min(msg.Metadata?.NumDelivered ?? 1, int.MaxValue);
        var jobId = HeaderJobId(msg);
        activity?.SetTag("fluo.job.type", WorkerMetrics.TypeName(type));
        activity?.SetTag("messaging.message.delivery_count", attempt);
        string outcome;
        RunningStatus? running = null;
        try
        {
            if (type is not { } jobType)
            {
                throw new PermanentJobException($"No job type is published on '{msg.Subject}'.");
            }

            var job = Parse(jobType, msg.Data.Span);
            jobId = JobIdOf(job);
            activity?.SetTag("fluo.job.id", jobId.Value.ToString("N"));
            running = new RunningStatus(status, new JobStatus(jobId.Value, jobType, JobState.Running, 0, attempt, null, null, status.Now), _options.RunningStatusDelay, abort);
            var context = new JobContext(msg, status, running, jobId.Value, jobType, attempt);
            var final = job switch
            {
                // Records its final status with its signals, in one request to the Backend.
                TraceAnalysisJob analysis => await traceAnalysis.HandleAsync(analysis, context, abort),
                RuleValidationJob validation => await CompleteAsync(context.Succeeded(await ruleValidation.HandleAsync(validation, abort)), abort),
                DataExportJob export => await CompleteAsync(context.Succeeded(await dataExport.HandleAsync(export, context, abort)), abort),
                _ => throw new PermanentJobException($"No handler for {job.GetType().Name}."),
            };

            await context.FinishAsync(final, abort);
            await msg.AckAsync(CancellationToken.None);
            outcome = "succeeded";
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Shutdown ran out of time: hand the job to another replica at once.
            WorkerLog.Abandoned(logger, Describe(jobId), msg.Subject);
            await msg.NakAsync(cancellationToken: CancellationToken.None);
            outcome = "abandoned";
        }
        catch (Exception ex) when (ex is PermanentJobException or BackendException { IsTransient: false })
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            WorkerLog.Failed(logger, Describe(jobId), msg.Subject, ex.Message);
            await SettleAsync(running);
            await FinishAsync(jobId, type, JobState.Failed, attempt, ex.Message);
            await msg.AckTerminateAsync(CancellationToken.None);
            outcome = "failed";
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            activity?.AddException(ex);
            await SettleAsync(running);
            outcome = await RetryOrDeadLetterAsync(msg, jobId, type, attempt, ex, abort);
        }

        finally
        {
            running?.Dispose();
        }

        metrics.Record(type, outcome, Stopwatch.GetElapsedTime(started));
    }

    private async Task<JobStatus> CompleteAsync(JobStatus final, CancellationToken abort)
    {
        await completions.CompleteAsync(final, abort);
        return final;
    }

    private static Task SettleAsync(RunningStatus? running) => running?.SettleAsync() ?? Task.CompletedTask;

    private async Task<string> RetryOrDeadLetterAsync(NatsJSMsg<ReadOnlyMemory<byte>> msg, Guid? jobId, JobType? type, int attempt, Exception error, CancellationToken abort)
    {
        var message = error switch
        {
            BackendException { Failure: BackendFailure.Refused } refused => $"The Backend refused with {refused.StatusCode}: {refused.Message}",
            TransientJobException or BackendException => error.Message,
            _ => $"{error.GetType().Name}: {error.Message}",
        };
        if (attempt < FluoTopology.MaxDeliver)
        {
            var delay = RetryPolicy.Delay(attempt, _options.RetryBaseDelay, _options.RetryMaxDelay);
            WorkerLog.Retrying(logger, Describe(jobId), msg.Subject, attempt, delay, message);
            if (jobId is { } id && type is { } t)
            {
                await BestEffortAsync(id, "status", () => status.PutAsync(new JobStatus(id, t, JobState.Running, 0, attempt, $"attempt {attempt} failed, retrying in {delay.TotalSeconds:0.###} s: {message}", null, status.Now), CancellationToken.None));
            }

            await msg.NakAsync(delay, CancellationToken.None);
            return "retried";
        }

        try
        {
            await deadLetters.PublishAsync(msg, message, abort);
        }
        catch (Exception ex)
        {
            // Without the dead letter the job must not be terminated; it stays unacknowledged for an operator.
            WorkerLog.DeadLetterFailed(logger, ex, Describe(jobId), msg.Subject);
            return "dead_letter_failed";
        }

        WorkerLog.DeadLettered(logger, Describe(jobId), msg.Subject, attempt, Subjects.DeadLetterFor(msg.Subject), message);
        await FinishAsync(jobId, type, JobState.Dead, attempt, message);
        await msg.AckTerminateAsync(CancellationToken.None);
        return "dead";
    }

    /// <summary>Records a failed or dead job in the bucket and with the Backend; neither may stop the message from being settled.</summary>
    private async Task FinishAsync(Guid? jobId, JobType? type, JobState state, int attempt, string message)
    {
        if (jobId is not { } id || type is not { } t)
        {
            return;
        }

        var final = new JobStatus(id, t, state, 0, attempt, message, null, status.Now);
        await BestEffortAsync(id, "status", () => status.PutAsync(final, CancellationToken.None));
        await BestEffortAsync(id, BackendSubjects.JobsComplete, () => completions.CompleteAsync(final, CancellationToken.None));
    }

    private async Task BestEffortAsync(Guid jobId, string step, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception ex) when (ex is TransientJobException or PermanentJobException or BackendException)
        {
            WorkerLog.BestEffortFailed(logger, jobId.ToString("N"), step, ex.Message);
        }
    }

    private static object Parse(JobType type, ReadOnlySpan<byte> payload)
    {
        try
        {
            object? job = type switch
            {
                JobType.TraceAnalysis => JsonSerializer.Deserialize(payload, FluoJsonContext.Traces.TraceAnalysisJob),
                JobType.RuleValidation => JsonSerializer.Deserialize(payload, FluoJsonContext.Default.RuleValidationJob),
                _ => JsonSerializer.Deserialize(payload, FluoJsonContext.Default.DataExportJob),
            };
            return job is null || JobIdOf(job) == Guid.Empty || job is TraceAnalysisJob { Trace: null } or TraceAnalysisJob { Trace.Spans: null } or TraceAnalysisJob { Trace.TraceId: null }
                ? throw new PermanentJobException($"The {WorkerMetrics.TypeName(type)} payload is empty or lacks its job id or trace.")
                : job;
        }
        catch (JsonException ex)
        {
            throw new PermanentJobException($"The {WorkerMetrics.TypeName(type)} payload is not valid: {ex.Message}", ex);
        }
    }

    private static Guid JobIdOf(object job) => job switch
    {
        TraceAnalysisJob j => j.JobId,
        RuleValidationJob j => j.JobId,
        DataExportJob j => j.JobId,
        _ => Guid.Empty,
    };

    /// <summary>The job id before the payload is read (for a payload that cannot be): <c>Fluo-Job-Id</c>, else <c>Nats-Msg-Id</c>.</summary>
    private static Guid? HeaderJobId(NatsJSMsg<ReadOnlyMemory<byte>> msg) =>
        Guid.TryParse(msg.Headers?.GetLastValue(FluoHeaders.JobId), out var id) || Guid.TryParse(msg.Headers?.GetLastValue("Nats-Msg-Id"), out id) ? id : null;

    private static string Describe(Guid? jobId) => jobId?.ToString("N") ?? "(unknown)";
}
