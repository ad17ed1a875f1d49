namespace Fluo.Otlp.Http;

/// <summary>Why a request was refused: the HTTP status to answer with and a message for the sender.</summary>
/// <param name="StatusCode">400 (malformed), 413 (too large) or 415 (unsupported content type or encoding).</param>
/// <param name="Message">What was wrong, sent back in the <c>google.rpc.Status</c> body.</param>
public sealed record OtlpHttpError(int StatusCode, string Message)
{
    /// <summary>The <c>google.rpc.Code</c> sent with the error.</summary>
    public int RpcCode => StatusCode == 413 ? 8 /* RESOURCE_EXHAUSTED */ : 3 /* INVALID_ARGUMENT */;
}
