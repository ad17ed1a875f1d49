namespace Fluo.Nats.Services;

/// <summary>
/// Thrown by an endpoint handler to answer with a service error: the reply carries <see cref="Code"/> and the
/// message in the <c>Nats-Service-Error-Code</c> and <c>Nats-Service-Error</c> headers.
/// </summary>
public sealed class NatsSvcEndpointException : NatsException
{
    /// <summary>Creates the error.</summary>
    public NatsSvcEndpointException(int code, string message, Exception? innerException = null)
        : base(message, innerException) => Code = code;

    /// <summary>The error code (HTTP-like by convention: 400 bad request, 404 not found, 500 internal error).</summary>
    public int Code { get; }
}
