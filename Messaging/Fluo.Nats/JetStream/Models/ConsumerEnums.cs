using System.Text.Json.Serialization;

namespace Fluo.Nats.JetStream;

/// <summary>Where a consumer starts (<c>deliver_policy</c>).</summary>
public enum ConsumerDeliverPolicy
{
    /// <summary>From the first message.</summary>
    [JsonStringEnumMemberName("all")] All,

    /// <summary>From the last message.</summary>
    [JsonStringEnumMemberName("last")] Last,

    /// <summary>Only messages published after creation.</summary>
    [JsonStringEnumMemberName("new")] New,

    /// <summary>From <see cref="ConsumerConfig.OptStartSeq"/>.</summary>
    [JsonStringEnumMemberName("by_start_sequence")] ByStartSequence,

    /// <summary>From <see cref="ConsumerConfig.OptStartTime"/>.</summary>
    [JsonStringEnumMemberName("by_start_time")] ByStartTime,

    /// <summary>The last message of every subject (needs a filter subject).</summary>
    [JsonStringEnumMemberName("last_per_subject")] LastPerSubject,
}

/// <summary>How messages are acknowledged (<c>ack_policy</c>).</summary>
public enum ConsumerAckPolicy
{
    /// <summary>Every message is acknowledged on its own (the default here, as in NATS.Net).</summary>
    [JsonStringEnumMemberName("explicit")] Explicit,

    /// <summary>No acknowledgement.</summary>
    [JsonStringEnumMemberName("none")] None,

    /// <summary>Acknowledging a message acknowledges every earlier one.</summary>
    [JsonStringEnumMemberName("all")] All,
}

/// <summary>Replay speed (<c>replay_policy</c>).</summary>
public enum ConsumerReplayPolicy
{
    /// <summary>As fast as possible.</summary>
    [JsonStringEnumMemberName("instant")] Instant,

    /// <summary>At the pace they were published.</summary>
    [JsonStringEnumMemberName("original")] Original,
}
