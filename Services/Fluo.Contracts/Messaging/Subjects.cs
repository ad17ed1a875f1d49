using Fluo.Contracts.Jobs;

namespace Fluo.Contracts.Messaging;

/// <summary>The subjects Fluo publishes on (from the original design).</summary>
public static class Subjects
{
    /// <summary>Every job subject.</summary>
    public const string Jobs = "jobs.>";

    /// <summary><see cref="TraceAnalysisJob"/>.</summary>
    public const string TraceAnalysis = "jobs.trace_analysis";

    /// <summary><see cref="RuleValidationJob"/>.</summary>
    public const string RuleValidation = "jobs.rule_validation";

    /// <summary><see cref="DataExportJob"/>.</summary>
    public const string DataExport = "jobs.data_export";

    /// <summary>Every signal subject.</summary>
    public const string Signals = "signals.>";

    /// <summary>A new <see cref="Signals.Signal"/>; <c>Nats-Msg-Id</c> is the signal id.</summary>
    public const string SignalCreated = "signals.created";

    /// <summary>A <see cref="Signals.SignalStatusChanged"/> to open.</summary>
    public const string SignalOpened = "signals.status.open";

    /// <summary>A <see cref="Signals.SignalStatusChanged"/> to resolved.</summary>
    public const string SignalResolved = "signals.status.resolved";

    /// <summary>Every event subject.</summary>
    public const string Events = "events.>";

    /// <summary><see cref="Events.UserLogin"/>.</summary>
    public const string UserLogin = "events.user.login";

    /// <summary><see cref="Events.ServiceStarted"/>.</summary>
    public const string SystemStartup = "events.system.startup";

    /// <summary>
    /// Core NATS, not stored: a hint, published by the Api after a rule write commits, that the enabled rules changed;
    /// the payload is the rule id. Workers drop their rule cache so a trace accepted after the write is judged by it.
    /// </summary>
    public const string RulesChanged = "fluo.rules.changed";

    /// <summary>Dead letters: <c>dlq.&lt;original subject&gt;</c>.</summary>
    public const string DeadLetters = "dlq.>";

    /// <summary>The dead-letter subject for a job subject.</summary>
    public static string DeadLetterFor(string subject) => "dlq." + subject;

    /// <summary>The subject of a job type.</summary>
    public static string For(JobType type) => type switch
    {
        JobType.TraceAnalysis => TraceAnalysis,
        JobType.RuleValidation => RuleValidation,
        JobType.DataExport => DataExport,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown job type."),
    };

    /// <summary>The job type of a job subject, if it is one.</summary>
    public static JobType? TypeOf(string subject) => subject switch
    {
        TraceAnalysis => JobType.TraceAnalysis,
        RuleValidation => JobType.RuleValidation,
        DataExport => JobType.DataExport,
        _ => null,
    };
}
