namespace Fluo.Nats.JetStream;

/// <summary>
/// <c>$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.&lt;stream&gt;.&lt;consumer&gt;</c>: a message reached
/// <see cref="ConsumerConfig.MaxDeliver"/>. The message stays in the stream; read it with <c>GetMsgAsync(StreamSeq)</c>.
/// </summary>
public sealed record MaxDeliveriesAdvisory
{
    /// <summary>The advisory type, <c>io.nats.jetstream.advisory.v1.max_deliver</c>.</summary>
    public string Type { get; init; } = string.Empty;

    /// <summary>Unique id of the advisory.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>When it was raised.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The stream.</summary>
    public string Stream { get; init; } = string.Empty;

    /// <summary>The consumer.</summary>
    public string Consumer { get; init; } = string.Empty;

    /// <summary>The stream sequence of the message.</summary>
    public ulong StreamSeq { get; init; }

    /// <summary>How often it was delivered.</summary>
    public long Deliveries { get; init; }

    /// <summary>Parses an advisory payload.</summary>
    public static MaxDeliveriesAdvisory? Parse(ReadOnlySpan<byte> json) =>
        System.Text.Json.JsonSerializer.Deserialize(json, Serialization.NatsJSJsonContext.Default.MaxDeliveriesAdvisory);
}
