using System.Diagnostics;

namespace Fluo.Nats;

/// <summary>A received message.</summary>
/// <typeparam name="T">Payload type.</typeparam>
public readonly record struct NatsMsg<T>
{
    /// <summary>Creates a message (for tests and for handing messages on).</summary>
    public NatsMsg(string subject, string? replyTo, int size, NatsHeaders? headers, T? data, INatsConnection? connection)
    {
        Subject = subject;
        ReplyTo = replyTo;
        Size = size;
        Headers = headers;
        Data = data;
        Connection = connection;
    }

    /// <summary>The subject the message was published to.</summary>
    public string Subject { get; init; }

    /// <summary>The subject to reply to, if the publisher asked for a reply.</summary>
    public string? ReplyTo { get; init; }

    /// <summary>Size on the wire: subject, reply subject, headers and payload in bytes.</summary>
    public int Size { get; init; }

    /// <summary>Headers, or null when the message had none.</summary>
    public NatsHeaders? Headers { get; init; }

    /// <summary>The deserialized payload.</summary>
    public T? Data { get; init; }

    /// <summary>The connection the message arrived on.</summary>
    public INatsConnection? Connection { get; init; }

    /// <summary>Set when the payload could not be deserialized; <see cref="Data"/> is then default.</summary>
    public Exception? Error { get; init; }

    /// <summary>Context of the client's receive span, when tracing was on (parent of handler spans).</summary>
    public ActivityContext ReceiveContext { get; init; }

    /// <summary>True when this is the server's "no responders" status (503) to a request.</summary>
    public bool HasNoResponders => Headers is { Code: 503 };

    /// <summary>Throws <see cref="Error"/> if deserialization failed, or <see cref="NatsNoRespondersException"/> for a 503.</summary>
    public void EnsureSuccess()
    {
        if (Error is not null)
        {
            throw Error;
        }

        if (HasNoResponders)
        {
            throw new NatsNoRespondersException(Subject);
        }
    }

    /// <summary>Publishes <paramref name="data"/> to <see cref="ReplyTo"/>.</summary>
    /// <exception cref="InvalidOperationException">The message has no reply subject or no connection.</exception>
    public ValueTask ReplyAsync<TReply>(TReply data, NatsHeaders? headers = null, INatsSerialize<TReply>? serializer = null, CancellationToken cancellationToken = default)
    {
        if (ReplyTo is null || Connection is null)
        {
            throw new InvalidOperationException($"The message on '{Subject}' has no reply subject to answer to.");
        }

        return Connection.PublishAsync(ReplyTo, data, headers, replyTo: null, serializer, cancellationToken);
    }
}
