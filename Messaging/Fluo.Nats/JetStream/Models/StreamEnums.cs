using System.Text.Json.Serialization;

namespace Fluo.Nats.JetStream;

/// <summary>When a stream may drop messages (<c>retention</c>).</summary>
public enum StreamRetention
{
    /// <summary>Kept until a limit (count, bytes, age) is reached.</summary>
    [JsonStringEnumMemberName("limits")] Limits,

    /// <summary>Kept while some consumer has not acknowledged them.</summary>
    [JsonStringEnumMemberName("interest")] Interest,

    /// <summary>Removed once acknowledged by any consumer: each message goes to exactly one consumer.</summary>
    [JsonStringEnumMemberName("workqueue")] WorkQueue,
}

/// <summary>What a full stream discards (<c>discard</c>).</summary>
public enum StreamDiscard
{
    /// <summary>Drop the oldest messages.</summary>
    [JsonStringEnumMemberName("old")] Old,

    /// <summary>Reject new messages.</summary>
    [JsonStringEnumMemberName("new")] New,
}

/// <summary>Where a stream keeps its messages (<c>storage</c>).</summary>
public enum StreamStorage
{
    /// <summary>On disk (the server default); survives restarts.</summary>
    [JsonStringEnumMemberName("file")] File,

    /// <summary>In memory.</summary>
    [JsonStringEnumMemberName("memory")] Memory,
}
