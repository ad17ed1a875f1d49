using System.Diagnostics.CodeAnalysis;
using Fluo.Otlp.Codec;

namespace Fluo.Otlp.Http;

/// <summary>The outcome of <see cref="OtlpHttp.ReadAsync{TRequest}"/> or <see cref="OtlpHttp.ReadTracesAsync"/>: the decoded request, or the error to answer with.</summary>
/// <typeparam name="TRequest">The OTLP export request type.</typeparam>
public sealed class OtlpReadResult<TRequest>
    where TRequest : class
{
    private OtlpReadResult(TRequest? request, OtlpEncoding encoding, OtlpHttpError? error)
    {
        Request = request;
        Encoding = encoding;
        Error = error;
    }

    /// <summary>The decoded request, when <see cref="Succeeded"/>.</summary>
    public TRequest? Request { get; }

    /// <summary>The request's encoding; the response (or error) is written in the same one.</summary>
    public OtlpEncoding Encoding { get; }

    /// <summary>Why the request was refused, when it did not succeed.</summary>
    public OtlpHttpError? Error { get; }

    /// <summary>Whether the body was read and decoded.</summary>
    [MemberNotNullWhen(true, nameof(Request))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Request is not null;

    internal static OtlpReadResult<TRequest> Success(TRequest request, OtlpEncoding encoding) => new(request, encoding, null);

    internal static OtlpReadResult<TRequest> Failure(OtlpHttpError error, OtlpEncoding encoding) => new(null, encoding, error);
}
