using Fluo.Contracts.Signals;
using Fluo.Contracts.Traces;

namespace Fluo.Contracts.Jobs;

/// <summary>On <c>jobs.trace_analysis</c>: evaluate every enabled rule on <paramref name="Trace"/>.</summary>
/// <param name="JobId">The job's id (also the outbox id and the message's <c>Nats-Msg-Id</c>).</param>
/// <param name="Trace">The trace itself, so the worker need not fetch it.</param>
/// <param name="AcceptedAt">When the API accepted it (accept→signal latency starts here).</param>
public sealed record TraceAnalysisJob(Guid JobId, TraceDocument Trace, DateTimeOffset AcceptedAt);

/// <summary>On <c>jobs.rule_validation</c>: compile a rule and back-test it on the last <paramref name="SampleSize"/> stored traces.</summary>
/// <param name="JobId">The job's id.</param>
/// <param name="RuleId">The rule, if it is stored (null for a dry run).</param>
/// <param name="Expression">The expression to test.</param>
/// <param name="SampleSize">How many of the most recent traces to test it on.</param>
public sealed record RuleValidationJob(Guid JobId, Guid? RuleId, string Expression, int SampleSize);

/// <summary>On <c>jobs.data_export</c>: write the signals matching <paramref name="Filter"/> as <paramref name="Format"/>.</summary>
/// <param name="JobId">The job's id.</param>
/// <param name="ExportId">The export to fill (its download id).</param>
/// <param name="Format"><c>csv</c> or <c>json</c>.</param>
/// <param name="Filter">Which signals.</param>
public sealed record DataExportJob(Guid JobId, Guid ExportId, string Format, SignalFilter Filter);

/// <summary>A job's status as kept in the <c>fluo_jobs</c> key-value bucket under its id ("N" format).</summary>
/// <param name="JobId">The job.</param>
/// <param name="Type">Its kind.</param>
/// <param name="State">Where it is.</param>
/// <param name="Progress">0..1.</param>
/// <param name="Attempt">The delivery being worked on (1 for the first).</param>
/// <param name="Message">A human line about the current state (the last error for failed/dead).</param>
/// <param name="Result">The job's result: for rule_validation a <see cref="RuleBacktest"/>, for data_export an <see cref="ExportResult"/>, for trace_analysis a <see cref="TraceAnalysisResult"/>.</param>
/// <param name="UpdatedAt">When this status was written.</param>
public sealed record JobStatus(
    Guid JobId,
    JobType Type,
    JobState State,
    double Progress,
    int Attempt,
    string? Message,
    JobResult? Result,
    DateTimeOffset UpdatedAt);

/// <summary>What a finished job produced; exactly one member is set.</summary>
/// <param name="Analysis">trace_analysis result.</param>
/// <param name="Backtest">rule_validation result.</param>
/// <param name="Export">data_export result.</param>
public sealed record JobResult(TraceAnalysisResult? Analysis = null, RuleBacktest? Backtest = null, ExportResult? Export = null);

/// <summary>The outcome of a trace_analysis job.</summary>
/// <param name="TraceId">The analysed trace.</param>
/// <param name="RulesEvaluated">How many enabled rules were evaluated.</param>
/// <param name="SignalIds">The signals raised.</param>
public sealed record TraceAnalysisResult(string TraceId, int RulesEvaluated, IReadOnlyList<Guid> SignalIds);

/// <summary>The outcome of a rule_validation back-test.</summary>
/// <param name="Valid">Whether the expression compiled.</param>
/// <param name="TracesTested">How many stored traces it was tested on.</param>
/// <param name="TracesFlagged">How many of them it would have flagged.</param>
/// <param name="FlaggedTraceIds">Up to 20 of the flagged traces.</param>
/// <param name="Errors">The compile errors, when not valid.</param>
public sealed record RuleBacktest(bool Valid, int TracesTested, int TracesFlagged, IReadOnlyList<string> FlaggedTraceIds, IReadOnlyList<ExpressionError> Errors);

/// <summary>The outcome of a data_export job.</summary>
/// <param name="ExportId">The download id.</param>
/// <param name="Rows">How many signals were written.</param>
/// <param name="Bytes">The file's size.</param>
public sealed record ExportResult(Guid ExportId, long Rows, long Bytes);

/// <summary>A rule-expression error at its position (the rule compiler's diagnostic as it travels).</summary>
/// <param name="Message">What is wrong.</param>
/// <param name="Position">0-based offset.</param>
/// <param name="Length">How many characters.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public sealed record ExpressionError(string Message, int Position, int Length, int Line, int Column);
