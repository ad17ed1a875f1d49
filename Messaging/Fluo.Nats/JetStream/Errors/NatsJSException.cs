namespace Fluo.Nats.JetStream;

/// <summary>A JetStream client-side failure that is not an API error (bad ack subject, consume ended by a terminal status…).</summary>
public class NatsJSException : NatsException
{
    /// <summary>Creates the exception.</summary>
    public NatsJSException(string message, Exception? innerException = null) : base(message, innerException) { }
}

/// <summary>A consume or fetch was ended by a terminal status from the server (<c>409 Consumer Deleted</c>, <c>400 Bad Request</c>…).</summary>
public sealed class NatsJSTerminalStatusException : NatsJSException
{
    /// <summary>Creates the exception.</summary>
    public NatsJSTerminalStatusException(int code, string description)
        : base($"The pull consumer was ended by the server: {code} {description}")
    {
        Code = code;
        Description = description;
    }

    /// <summary>The status code.</summary>
    public int Code { get; }

    /// <summary>The status description.</summary>
    public string Description { get; }
}
