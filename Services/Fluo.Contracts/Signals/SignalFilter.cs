using Fluo.Contracts.Rules;

namespace Fluo.Contracts.Signals;

/// <summary>Which signals: every set member must match.</summary>
/// <param name="TraceId">Only this trace's.</param>
/// <param name="RuleId">Only this rule's.</param>
/// <param name="Status">Only open or only resolved.</param>
/// <param name="Severity">Only this severity.</param>
public sealed record SignalFilter(string? TraceId = null, Guid? RuleId = null, SignalStatus? Status = null, Severity? Severity = null);
