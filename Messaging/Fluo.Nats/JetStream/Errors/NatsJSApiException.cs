namespace Fluo.Nats.JetStream;

/// <summary>A JetStream error: the server's <c>code</c> (HTTP-like), <c>err_code</c> and description.</summary>
public sealed class NatsJSApiException : NatsException
{
    /// <summary>Creates the exception.</summary>
    public NatsJSApiException(int code, int errorCode, string description)
        : base($"JetStream error {code}/{errorCode}: {description}")
    {
        Code = code;
        ErrorCode = errorCode;
        Description = description;
    }

    /// <summary>HTTP-like status (404, 400, 503…).</summary>
    public int Code { get; }

    /// <summary>The JetStream <c>err_code</c>; compare with <see cref="NatsJSErrorCodes"/>.</summary>
    public int ErrorCode { get; }

    /// <summary>The server's description.</summary>
    public string Description { get; }
}
