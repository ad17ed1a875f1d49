using System.Text.Json.Serialization;

namespace Fluo.Contracts.Signals;

/// <summary>Where a signal is in its life; written in JSON as the lowercase name.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SignalStatus>))]
public enum SignalStatus
{
    /// <summary>Raised and not yet dealt with.</summary>
    [JsonStringEnumMemberName("open")] Open,

    /// <summary>An operator resolved it.</summary>
    [JsonStringEnumMemberName("resolved")] Resolved,
}
