using Fluo.Contracts.Jobs;
using Fluo.Contracts.Rules;
using Fluo.Contracts.Signals;
using Fluo.Contracts.Traces;

namespace Fluo.Contracts.Backend;

/// <summary>A request naming one thing: <paramref name="Id"/> for rules, signals, jobs and exports, <paramref name="Key"/> for a trace id.</summary>
/// <param name="Id">The id.</param>
/// <param name="Key">A string key (trace id).</param>
public sealed record IdRequest(Guid Id = default, string? Key = null);

/// <summary>An empty success reply.</summary>
/// <param name="Ok">Always true.</param>
public sealed record Ack(bool Ok = true);

/// <summary>List rules.</summary>
/// <param name="EnabledOnly">Only the enabled ones (what trace analysis evaluates).</param>
public sealed record RuleListRequest(bool EnabledOnly = false);

/// <summary>Rules, by name.</summary>
/// <param name="Items">The rules.</param>
public sealed record RuleList(IReadOnlyList<Rule> Items);

/// <summary>A stored trace.</summary>
/// <param name="Trace">The trace.</param>
/// <param name="ReceivedAt">When the API accepted it.</param>
public sealed record TraceReply(TraceDocument Trace, DateTimeOffset ReceivedAt);

/// <summary>Up to <paramref name="Limit"/> stored traces, newest first, older than <paramref name="Before"/> when given.</summary>
/// <param name="Limit">1..10,000.</param>
/// <param name="Before">Where the previous page ended (its <see cref="TraceList.Next"/>).</param>
public sealed record RecentTracesRequest(int Limit, TraceCursor? Before = null);

/// <summary>A position in the traces, newest first: the trace received at <paramref name="ReceivedAt"/> with <paramref name="TraceId"/>.</summary>
/// <param name="ReceivedAt">When the trace was received.</param>
/// <param name="TraceId">Its id (orders traces received at the same instant).</param>
public sealed record TraceCursor(DateTimeOffset ReceivedAt, string TraceId);

/// <summary>Traces, newest first.</summary>
/// <param name="Items">The traces.</param>
/// <param name="Next">
/// Set when the page stopped at its size budget before the limit: ask again with <c>Before</c> = this (and the limit
/// less what came) for the rest. A reply stays well under NATS's maximum payload whatever the limit.
/// </param>
public sealed record TraceList(IReadOnlyList<TraceDocument> Items, TraceCursor? Next = null);

/// <summary>A page of signals matching a filter, newest first.</summary>
/// <param name="Filter">Which signals.</param>
/// <param name="Offset">How many to skip.</param>
/// <param name="Limit">1..1,000.</param>
public sealed record SignalQuery(SignalFilter Filter, int Offset = 0, int Limit = 50);

/// <summary>A page of signals.</summary>
/// <param name="Items">This page.</param>
/// <param name="Total">How many match in all.</param>
/// <param name="Offset">The page's offset.</param>
/// <param name="Limit">The page size asked for.</param>
public sealed record SignalPage(IReadOnlyList<Signal> Items, long Total, int Offset, int Limit);

/// <summary>Set a signal's status.</summary>
/// <param name="Id">The signal.</param>
/// <param name="Status">The new status.</param>
/// <param name="By">Who.</param>
public sealed record ResolveSignalRequest(Guid Id, SignalStatus Status, string By);

/// <summary>Record the violations a trace_analysis job found, and with them, when given, the job's final status.</summary>
/// <param name="JobId">The job (with the rule id, the idempotency key).</param>
/// <param name="TraceId">The trace.</param>
/// <param name="Violations">One per violated rule.</param>
/// <param name="Completion">
/// The job's final status, recorded as <c>jobs.complete</c> would once the signals are, with the recorded signals' ids
/// as its analysis result's <see cref="TraceAnalysisResult.SignalIds"/>: one request instead of two.
/// </param>
public sealed record RecordSignalsRequest(Guid JobId, string TraceId, IReadOnlyList<Violation> Violations, JobStatus? Completion = null);

/// <summary>A rule violated by a trace.</summary>
/// <param name="RuleId">The rule.</param>
/// <param name="RuleName">Its name.</param>
/// <param name="Severity">Its severity.</param>
/// <param name="OffendingSpanIds">The spans to blame.</param>
public sealed record Violation(Guid RuleId, string RuleName, Severity Severity, IReadOnlyList<string> OffendingSpanIds);

/// <summary>The signals of a job: the same ones, with the same ids, however often it is recorded.</summary>
/// <param name="Signals">The job's signals.</param>
/// <param name="Created">How many this call created (0 on a repeat).</param>
/// <param name="Job">The job as now recorded, when the request carried its <see cref="RecordSignalsRequest.Completion"/>.</param>
public sealed record RecordSignalsReply(IReadOnlyList<Signal> Signals, int Created, JobRecord? Job = null);

/// <summary>Ask for open-signal counts.</summary>
/// <param name="Unused">Nothing.</param>
public sealed record SignalCountsRequest(bool Unused = false);

/// <summary>Signal counts for the overview.</summary>
/// <param name="OpenBySeverity">Open signals per severity name.</param>
/// <param name="Resolved">Resolved signals in all.</param>
public sealed record SignalCounts(IReadOnlyDictionary<string, long> OpenBySeverity, long Resolved);

/// <summary>A job as the database keeps it (the live status is in the <c>fluo_jobs</c> bucket).</summary>
/// <param name="JobId">The job.</param>
/// <param name="Type">Its kind.</param>
/// <param name="State">Its last recorded state.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="Subject">The subject it was published on.</param>
/// <param name="Status">The final status the worker recorded, if any.</param>
public sealed record JobRecord(Guid JobId, JobType Type, JobState State, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string Subject, JobStatus? Status);

/// <summary>List jobs, newest first.</summary>
/// <param name="State">Only this state.</param>
/// <param name="Limit">1..500.</param>
public sealed record JobListRequest(JobState? State = null, int Limit = 50);

/// <summary>Jobs, newest first.</summary>
/// <param name="Items">The jobs.</param>
public sealed record JobList(IReadOnlyList<JobRecord> Items);

/// <summary>A piece of an export file (at most 256 KiB, so it fits any NATS payload limit).</summary>
/// <param name="ExportId">The export.</param>
/// <param name="Index">0-based piece number.</param>
/// <param name="Content">The bytes.</param>
public sealed record ExportChunk(Guid ExportId, int Index, byte[] Content);

/// <summary>Read one piece of an export.</summary>
/// <param name="ExportId">The export.</param>
/// <param name="Index">0-based piece number.</param>
public sealed record ExportChunkRequest(Guid ExportId, int Index);

/// <summary>Mark an export complete.</summary>
/// <param name="ExportId">The export.</param>
/// <param name="Chunks">How many pieces it has.</param>
/// <param name="Rows">How many signals.</param>
/// <param name="Bytes">Total size.</param>
public sealed record ExportCompleteRequest(Guid ExportId, int Chunks, long Rows, long Bytes);

/// <summary>An export as stored.</summary>
/// <param name="ExportId">The export.</param>
/// <param name="JobId">The job filling it.</param>
/// <param name="Format"><c>csv</c> or <c>json</c>.</param>
/// <param name="Filter">The signals it holds.</param>
/// <param name="Completed">Whether the file is complete.</param>
/// <param name="Chunks">How many pieces.</param>
/// <param name="Rows">How many signals.</param>
/// <param name="Bytes">Total size.</param>
/// <param name="CreatedAt">When it was asked for.</param>
public sealed record ExportInfo(Guid ExportId, Guid JobId, string Format, SignalFilter Filter, bool Completed, int Chunks, long Rows, long Bytes, DateTimeOffset CreatedAt);

/// <summary>Several items for a batch endpoint (<c>*.batch</c>): the Backend handles them in one round trip to its database.</summary>
/// <typeparam name="TItem">The single endpoint's request.</typeparam>
/// <param name="Items">The items, at most 1,000.</param>
public sealed record BatchRequest<TItem>(IReadOnlyList<TItem> Items);

/// <summary>A batch endpoint's answer: one outcome per item, in the order of the request's items.</summary>
/// <typeparam name="TResult">The single endpoint's reply.</typeparam>
/// <param name="Items">The outcomes.</param>
public sealed record BatchReply<TResult>(IReadOnlyList<BatchOutcome<TResult>> Items)
    where TResult : class;

/// <summary>What became of one item of a batch: exactly one of <paramref name="Value"/> and <paramref name="Error"/> is set.</summary>
/// <typeparam name="TResult">The single endpoint's reply.</typeparam>
/// <param name="Value">The reply the single endpoint would have given.</param>
/// <param name="Error">The service error the single endpoint would have answered with (this item only).</param>
public sealed record BatchOutcome<TResult>(TResult? Value = null, BatchError? Error = null)
    where TResult : class;

/// <summary>One item's service error in a batch reply.</summary>
/// <param name="Code">The code the single endpoint would have answered with (400, 404, 409, 500).</param>
/// <param name="Message">What was wrong.</param>
public sealed record BatchError(int Code, string Message);
