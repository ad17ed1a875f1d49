namespace Fluo.Api.Backend;

/// <summary>The backend answered with a service error (400 bad request, 404 not found, 409 conflict...).</summary>
/// <param name="statusCode">The error code the backend sent.</param>
/// <param name="message">Its description.</param>
public sealed class BackendException(int statusCode, string message) : Exception(message)
{
    /// <summary>The HTTP-like status of the error.</summary>
    public int StatusCode { get; } = statusCode;
}

/// <summary>Nobody answered the query (no responders, timeout, NATS unreachable): the Api answers 503.</summary>
/// <param name="message">What happened.</param>
/// <param name="innerException">The NATS failure.</param>
public sealed class BackendUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
