namespace Fluo.Nats.Services;

/// <summary>Header names of the micro service protocol.</summary>
public static class NatsSvcHeaders
{
    /// <summary>The error description of a failed request.</summary>
    public const string Error = "Nats-Service-Error";

    /// <summary>The error code of a failed request.</summary>
    public const string ErrorCode = "Nats-Service-Error-Code";
}
