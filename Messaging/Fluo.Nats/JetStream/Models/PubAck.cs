namespace Fluo.Nats.JetStream;

/// <summary>The stream's acknowledgement of a publish.</summary>
public sealed record PubAck
{
    /// <summary>The stream that stored the message.</summary>
    public string Stream { get; init; } = string.Empty;

    /// <summary>Its sequence in the stream.</summary>
    public ulong Seq { get; init; }

    /// <summary>True when the <c>Nats-Msg-Id</c> was seen within the duplicate window: nothing new was stored.</summary>
    public bool Duplicate { get; init; }

    /// <summary>The JetStream domain, if any.</summary>
    public string? Domain { get; init; }
}
