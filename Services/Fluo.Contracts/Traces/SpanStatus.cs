using System.Text.Json.Serialization;

namespace Fluo.Contracts.Traces;

/// <summary>The status of a span, as OpenTelemetry defines it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SpanStatus>))]
public enum SpanStatus
{
    /// <summary>No status was set.</summary>
    [JsonStringEnumMemberName("unset")] Unset,

    /// <summary>The operation completed successfully.</summary>
    [JsonStringEnumMemberName("ok")] Ok,

    /// <summary>The operation failed.</summary>
    [JsonStringEnumMemberName("error")] Error,
}
