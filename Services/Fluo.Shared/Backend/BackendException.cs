namespace Fluo.Backend.Client;

/// <summary>How a Backend request failed.</summary>
public enum BackendFailure
{
    /// <summary>Nobody answered: no responders, a timeout, or NATS is not connected. Worth retrying shortly.</summary>
    Unavailable,

    /// <summary>The Backend answered with a service error (its code is <see cref="BackendException.StatusCode"/>).</summary>
    Refused,

    /// <summary>The Backend answered, but its reply could not be read (empty, or not the expected JSON).</summary>
    Unreadable,
}

/// <summary>A request to the Backend (<c>Fluo.Contracts.Backend.BackendSubjects</c>) failed.</summary>
/// <param name="failure">What kind of failure it was.</param>
/// <param name="statusCode">HTTP-like status: 503 when unavailable, the service error code when refused, 502 when unreadable.</param>
/// <param name="message">What happened, for a log or a ProblemDetails.</param>
/// <param name="innerException">The NATS or JSON failure, if any.</param>
public sealed class BackendException(BackendFailure failure, int statusCode, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>What kind of failure it was.</summary>
    public BackendFailure Failure { get; } = failure;

    /// <summary>HTTP-like status (400, 404, 409, 412 when refused; 502 unreadable; 503 unavailable).</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>Whether asking again later may succeed: the Backend was away, failed on its side (5xx) or answered unreadably.</summary>
    public bool IsTransient => Failure != BackendFailure.Refused || StatusCode >= 500;
}
