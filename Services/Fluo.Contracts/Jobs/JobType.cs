using System.Text.Json.Serialization;

namespace Fluo.Contracts.Jobs;

/// <summary>The kinds of background job; each has its own subject under <c>jobs.</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobType>))]
public enum JobType
{
    /// <summary>Evaluate every enabled rule on one trace.</summary>
    [JsonStringEnumMemberName("trace_analysis")] TraceAnalysis,

    /// <summary>Compile a rule and back-test it on the last stored traces.</summary>
    [JsonStringEnumMemberName("rule_validation")] RuleValidation,

    /// <summary>Write the signals matching a filter to CSV or JSON.</summary>
    [JsonStringEnumMemberName("data_export")] DataExport,
}

/// <summary>Where a job is; written in JSON as the lowercase name.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobState>))]
public enum JobState
{
    /// <summary>Accepted, waiting for a worker.</summary>
    [JsonStringEnumMemberName("queued")] Queued,

    /// <summary>A worker is on it.</summary>
    [JsonStringEnumMemberName("running")] Running,

    /// <summary>Done.</summary>
    [JsonStringEnumMemberName("succeeded")] Succeeded,

    /// <summary>Failed for good (a permanent error such as an invalid rule).</summary>
    [JsonStringEnumMemberName("failed")] Failed,

    /// <summary>Failed on every delivery; the message is in the dead-letter stream.</summary>
    [JsonStringEnumMemberName("dead")] Dead,
}
