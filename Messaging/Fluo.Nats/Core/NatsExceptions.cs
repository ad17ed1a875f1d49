namespace Fluo.Nats;

/// <summary>Base type of every exception thrown by the client.</summary>
public class NatsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NatsException(string message) : base(message) { }

    /// <summary>Creates the exception with an inner exception.</summary>
    public NatsException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>The connection could not be established, or was closed while an operation was waiting on it.</summary>
public class NatsConnectionException : NatsException
{
    /// <summary>Creates the exception.</summary>
    public NatsConnectionException(string message, Exception? innerException = null) : base(message, innerException) { }
}

/// <summary>The server answered with <c>-ERR</c>; <see cref="ServerError"/> holds its words.</summary>
public class NatsServerException : NatsConnectionException
{
    /// <summary>Creates the exception from the server's error text.</summary>
    public NatsServerException(string serverError) : base($"The NATS server reported an error: {serverError}") => ServerError = serverError;

    /// <summary>The text of the server's <c>-ERR</c>, without quotes.</summary>
    public string ServerError { get; }

    /// <summary>True when the server rejected the credentials.</summary>
    public bool IsAuthorizationError =>
        ServerError.Contains("Authorization", StringComparison.OrdinalIgnoreCase) ||
        ServerError.Contains("Authentication", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A request found no subscriber on its subject (the server answered with status 503).</summary>
public sealed class NatsNoRespondersException : NatsException
{
    /// <summary>Creates the exception for <paramref name="subject"/>.</summary>
    public NatsNoRespondersException(string subject) : base($"No responders are subscribed to '{subject}'.") => Subject = subject;

    /// <summary>The subject of the request.</summary>
    public string Subject { get; }
}

/// <summary>No reply arrived within the request timeout.</summary>
public sealed class NatsRequestTimeoutException : NatsException
{
    /// <summary>Creates the exception.</summary>
    public NatsRequestTimeoutException(string subject, TimeSpan timeout)
        : base($"No reply to a request on '{subject}' within {timeout.TotalMilliseconds:0} ms.")
    {
        Subject = subject;
        Timeout = timeout;
    }

    /// <summary>The subject of the request.</summary>
    public string Subject { get; }

    /// <summary>The timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>The message is larger than the server's <c>max_payload</c>; nothing was sent.</summary>
public sealed class NatsPayloadTooLargeException : NatsException
{
    /// <summary>Creates the exception.</summary>
    public NatsPayloadTooLargeException(long size, long maxPayload)
        : base($"The message is {size} bytes (headers and payload) but the server accepts at most {maxPayload} bytes.")
    {
        Size = size;
        MaxPayload = maxPayload;
    }

    /// <summary>Size of headers and payload.</summary>
    public long Size { get; }

    /// <summary>The server's limit.</summary>
    public long MaxPayload { get; }
}

/// <summary>
/// The connection is down and the reconnect buffer is full: the publish was rejected, not silently dropped.
/// </summary>
public sealed class NatsReconnectBufferFullException : NatsException
{
    /// <summary>Creates the exception.</summary>
    public NatsReconnectBufferFullException(long bufferSize)
        : base($"The connection is reconnecting and its buffer of {bufferSize} bytes is full; the message was not accepted.") =>
        BufferSize = bufferSize;

    /// <summary>The configured bound.</summary>
    public long BufferSize { get; }
}

/// <summary>A payload could not be serialized or deserialized.</summary>
public sealed class NatsSerializationException : NatsException
{
    /// <summary>Creates the exception.</summary>
    public NatsSerializationException(string message, Exception? innerException = null) : base(message, innerException) { }
}

/// <summary>The server sent bytes that are not the NATS protocol.</summary>
public sealed class NatsProtocolException : NatsException
{
    /// <summary>Creates the exception.</summary>
    public NatsProtocolException(string message) : base(message) { }
}
