using System.Text.Json.Serialization;

namespace Fluo.Contracts.Rules;

/// <summary>How much a violated rule matters; written in JSON as the lowercase name.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    /// <summary>Worth knowing.</summary>
    [JsonStringEnumMemberName("info")] Info,

    /// <summary>Look at it soon.</summary>
    [JsonStringEnumMemberName("warning")] Warning,

    /// <summary>Something is wrong.</summary>
    [JsonStringEnumMemberName("error")] Error,

    /// <summary>Wake someone up.</summary>
    [JsonStringEnumMemberName("critical")] Critical,
}
