namespace Fluo.Worker.Telemetry;

/// <summary>The worker's log messages.</summary>
internal static partial class WorkerLog
{
    [LoggerMessage(1, LogLevel.Information, "Consuming {Stream}/{Consumer} with up to {Concurrency} jobs at once")]
    public static partial void Consuming(ILogger logger, string stream, string consumer, int concurrency);

    [LoggerMessage(2, LogLevel.Warning, "The consume of {Stream}/{Consumer} failed; starting again in {Delay}")]
    public static partial void ConsumeFailed(ILogger logger, Exception exception, string stream, string consumer, TimeSpan delay);

    [LoggerMessage(3, LogLevel.Warning, "Job {JobId} ({Subject}) failed on delivery {Attempt}; retrying in {Delay}: {Error}")]
    public static partial void Retrying(ILogger logger, string jobId, string subject, int attempt, TimeSpan delay, string error);

    [LoggerMessage(4, LogLevel.Error, "Job {JobId} ({Subject}) failed for good: {Error}")]
    public static partial void Failed(ILogger logger, string jobId, string subject, string error);

    [LoggerMessage(5, LogLevel.Error, "Job {JobId} ({Subject}) failed on its last delivery ({Attempt}); moved to {DeadLetterSubject}: {Error}")]
    public static partial void DeadLettered(ILogger logger, string jobId, string subject, int attempt, string deadLetterSubject, string error);

    [LoggerMessage(6, LogLevel.Warning, "Could not record the final status of job {JobId} ({Step}): {Error}")]
    public static partial void BestEffortFailed(ILogger logger, string jobId, string step, string error);

    [LoggerMessage(7, LogLevel.Error, "Dead-lettering job {JobId} ({Subject}) failed; the message stays unacknowledged")]
    public static partial void DeadLetterFailed(ILogger logger, Exception exception, string jobId, string subject);

    [LoggerMessage(8, LogLevel.Information, "Stopping: waiting up to {Timeout} for {InFlight} in-flight jobs")]
    public static partial void Draining(ILogger logger, TimeSpan timeout, int inFlight);

    [LoggerMessage(9, LogLevel.Warning, "Job {JobId} ({Subject}) handed back at shutdown")]
    public static partial void Abandoned(ILogger logger, string jobId, string subject);

    [LoggerMessage(10, LogLevel.Warning, "Rule {RuleName} ({RuleId} v{Version}) does not compile and is skipped: {Error}")]
    public static partial void RuleSkipped(ILogger logger, string ruleName, Guid ruleId, int version, string error);
}
