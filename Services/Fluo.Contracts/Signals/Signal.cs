using Fluo.Contracts.Rules;

namespace Fluo.Contracts.Signals;

/// <summary>A rule violated by a trace.</summary>
/// <param name="Id">The signal's id.</param>
/// <param name="RuleId">The violated rule.</param>
/// <param name="RuleName">The rule's name when the signal was raised.</param>
/// <param name="TraceId">The violating trace.</param>
/// <param name="JobId">The trace_analysis job that raised it (with <paramref name="RuleId"/>, its idempotency key).</param>
/// <param name="OffendingSpanIds">The spans to blame, in trace order.</param>
/// <param name="Severity">The rule's severity when the signal was raised.</param>
/// <param name="Status">Open or resolved.</param>
/// <param name="CreatedAt">When it was raised.</param>
/// <param name="ResolvedAt">When it was resolved, if it is.</param>
/// <param name="ResolvedBy">Who resolved it, if it is.</param>
public sealed record Signal(
    Guid Id,
    Guid RuleId,
    string RuleName,
    string TraceId,
    Guid JobId,
    IReadOnlyList<string> OffendingSpanIds,
    Severity Severity,
    SignalStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ResolvedAt,
    string? ResolvedBy);

/// <summary>Published on <c>signals.status.open</c> / <c>signals.status.resolved</c> when a signal changes status.</summary>
/// <param name="Signal">The signal after the change.</param>
/// <param name="ChangedAt">When it changed.</param>
/// <param name="ChangedBy">Who changed it.</param>
public sealed record SignalStatusChanged(Signal Signal, DateTimeOffset ChangedAt, string? ChangedBy);
