namespace Fluo.Otlp.Http;

/// <summary>Why a request was refused: the HTTP status to answer with and a message for the sender.</summary>
/// <param name="StatusCode">400 (malformed), 413 (too large), 415 (unsupported content type or encoding), or 503 when the
/// receiver cannot store the data now (OTLP exporters retry 429, 502, 503 and 504).</param>
/// <param name="Message">What was wrong, sent back in the <c>google.rpc.Status</c> body.</param>
public sealed record OtlpHttpError(int StatusCode, string Message)
{
    /// <summary>The <c>google.rpc.Code</c> sent with the error.</summary>
    public int RpcCode => StatusCode switch
    {
        413 or 429 => 8, // RESOURCE_EXHAUSTED
        502 or 503 or 504 => 14, // UNAVAILABLE: the sender may retry
        _ => 3, // INVALID_ARGUMENT
    };
}
