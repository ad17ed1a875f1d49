namespace Fluo.Nats.Protocol;

/// <summary>One parsed frame; spans point into the receive buffer and are valid until it is reused.</summary>
internal readonly ref struct ServerFrame
{
    public ServerOp Op { get; init; }

    public ReadOnlySpan<byte> Subject { get; init; }

    public int Sid { get; init; }

    public ReadOnlySpan<byte> ReplyTo { get; init; }

    /// <summary>The header block including the <c>NATS/1.0</c> line, or empty.</summary>
    public ReadOnlySpan<byte> Headers { get; init; }

    public ReadOnlySpan<byte> Payload { get; init; }

    /// <summary>Offset of <see cref="Payload"/> from the start of the parsed buffer (to slice it as memory).</summary>
    public int PayloadOffset { get; init; }

    /// <summary>Argument text of INFO (the JSON) and -ERR (the message, quotes removed).</summary>
    public ReadOnlySpan<byte> Text { get; init; }
}
