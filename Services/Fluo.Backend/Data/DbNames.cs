using Fluo.Contracts.Jobs;
using Fluo.Contracts.Rules;
using Fluo.Contracts.Signals;

namespace Fluo.Backend.Data;

/// <summary>The text fluodb stores enums as: the same lowercase names as their JSON.</summary>
internal static class DbNames
{
    public static readonly string[] Severities = ["info", "warning", "error", "critical"];

    public static string Of(Severity value) => value switch
    {
        Severity.Info => "info",
        Severity.Warning => "warning",
        Severity.Error => "error",
        Severity.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static string Of(SignalStatus value) => value switch
    {
        SignalStatus.Open => "open",
        SignalStatus.Resolved => "resolved",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static string Of(JobType value) => value switch
    {
        JobType.TraceAnalysis => "trace_analysis",
        JobType.RuleValidation => "rule_validation",
        JobType.DataExport => "data_export",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static string Of(JobState value) => value switch
    {
        JobState.Queued => "queued",
        JobState.Running => "running",
        JobState.Succeeded => "succeeded",
        JobState.Failed => "failed",
        JobState.Dead => "dead",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static Severity SeverityOf(string text) => text switch
    {
        "info" => Severity.Info,
        "warning" => Severity.Warning,
        "error" => Severity.Error,
        "critical" => Severity.Critical,
        _ => throw new FormatException($"Unknown severity '{text}' in fluodb."),
    };

    public static SignalStatus StatusOf(string text) => text switch
    {
        "open" => SignalStatus.Open,
        "resolved" => SignalStatus.Resolved,
        _ => throw new FormatException($"Unknown signal status '{text}' in fluodb."),
    };

    public static JobType JobTypeOf(string text) => text switch
    {
        "trace_analysis" => JobType.TraceAnalysis,
        "rule_validation" => JobType.RuleValidation,
        "data_export" => JobType.DataExport,
        _ => throw new FormatException($"Unknown job type '{text}' in fluodb."),
    };

    public static JobState JobStateOf(string text) => text switch
    {
        "queued" => JobState.Queued,
        "running" => JobState.Running,
        "succeeded" => JobState.Succeeded,
        "failed" => JobState.Failed,
        "dead" => JobState.Dead,
        _ => throw new FormatException($"Unknown job state '{text}' in fluodb."),
    };

    /// <summary>Whether a job in this state is finished for good.</summary>
    public static bool IsFinal(JobState state) => state is JobState.Succeeded or JobState.Failed or JobState.Dead;

    /// <summary>The stored names of the states <see cref="IsFinal"/> accepts, for SQL.</summary>
    public static readonly string[] FinalStates = [.. Enum.GetValues<JobState>().Where(IsFinal).Select(Of)];
}
