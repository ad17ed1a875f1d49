using System.Globalization;
using System.Text;
using System.Text.Json;
using Fluo.Nats.JetStream.Serialization;

namespace Fluo.Nats.JetStream;

/// <summary>A message delivered by a JetStream consumer, with its delivery metadata and acknowledgements.</summary>
/// <typeparam name="T">Payload type.</typeparam>
public readonly record struct NatsJSMsg<T>
{
    private static readonly ReadOnlyMemory<byte> Ack = "+ACK"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> Nak = "-NAK"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> Progress = "+WPI"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> Term = "+TERM"u8.ToArray();
    private static readonly NatsRawSerializer<ReadOnlyMemory<byte>> Raw = NatsRawSerializer<ReadOnlyMemory<byte>>.Default;

    /// <summary>Wraps a core message received from a consumer.</summary>
    public NatsJSMsg(NatsMsg<T> msg)
    {
        Msg = msg;
        Metadata = NatsJSMsgMetadata.Parse(msg.ReplyTo);
    }

    /// <summary>The core message.</summary>
    public NatsMsg<T> Msg { get; }

    /// <summary>The subject it was published to.</summary>
    public string Subject => Msg.Subject;

    /// <summary>The payload.</summary>
    public T? Data => Msg.Data;

    /// <summary>Headers, or null.</summary>
    public NatsHeaders? Headers => Msg.Headers;

    /// <summary>The ack subject.</summary>
    public string? ReplyTo => Msg.ReplyTo;

    /// <summary>Size on the wire.</summary>
    public int Size => Msg.Size;

    /// <summary>Set when the payload could not be deserialized.</summary>
    public Exception? Error => Msg.Error;

    /// <summary>Delivery metadata from the ack subject, or null when it is not a JetStream ack subject.</summary>
    public NatsJSMsgMetadata? Metadata { get; }

    /// <summary>Acknowledges (fire and forget: the server does not confirm).</summary>
    public ValueTask AckAsync(CancellationToken cancellationToken = default) => SendAsync(Ack, cancellationToken);

    /// <summary>
    /// Double ack: acknowledges and waits for the server's confirmation, so on return the message will not be
    /// redelivered.
    /// </summary>
    /// <exception cref="NatsRequestTimeoutException">The server did not confirm (the ack may be lost: the message may come again).</exception>
    public async ValueTask AckSyncAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var (connection, replyTo) = Target();
        await connection.RequestAsync(replyTo, Ack, null, timeout, Raw, Raw, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Negative ack: redeliver now, or not before <paramref name="delay"/> (<c>-NAK {"delay": ns}</c>).</summary>
    public ValueTask NakAsync(TimeSpan? delay = null, CancellationToken cancellationToken = default)
    {
        if (delay is not { } d || d <= TimeSpan.Zero)
        {
            return SendAsync(Nak, cancellationToken);
        }

        var body = Encoding.ASCII.GetBytes("-NAK " + JsonSerializer.Serialize(new NakDelay(d), NatsJSJsonContext.Default.NakDelay));
        return SendAsync(body, cancellationToken);
    }

    /// <summary>Work in progress (<c>+WPI</c>): restarts the ack-wait timer.</summary>
    public ValueTask AckProgressAsync(CancellationToken cancellationToken = default) => SendAsync(Progress, cancellationToken);

    /// <summary>Terminates (<c>+TERM</c>): never redeliver this message.</summary>
    public ValueTask AckTerminateAsync(CancellationToken cancellationToken = default) => SendAsync(Term, cancellationToken);

    /// <inheritdoc />
    public override string ToString() =>
        Metadata is { } m
            ? string.Create(CultureInfo.InvariantCulture, $"{Subject} ({m.Stream}#{m.StreamSequence}, delivery {m.NumDelivered})")
            : Subject;

    private ValueTask SendAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var (connection, replyTo) = Target();
        return connection is NatsConnection nats
            ? nats.PublishSettlementAsync(replyTo, body, cancellationToken)
            : connection.PublishAsync(replyTo, body, null, null, Raw, cancellationToken);
    }

    private (INatsConnection Connection, string ReplyTo) Target()
    {
        if (Msg.ReplyTo is not { } replyTo || Msg.Connection is not { } connection)
        {
            throw new NatsJSException($"The message on '{Msg.Subject}' has no ack subject (was it delivered by a consumer with ack_policy none?).");
        }

        return (connection, replyTo);
    }
}
