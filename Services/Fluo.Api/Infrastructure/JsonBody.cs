using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Fluo.Contracts;
using Fluo.Contracts.Traces;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Fluo.Api.Infrastructure;

/// <summary>
/// Reads JSON request bodies strictly: application/json only (415), at most <see cref="ApiOptions.MaxRequestBytes"/>
/// (413), unknown fields refused (400), every failure a ProblemDetails naming what was wrong.
/// </summary>
internal static class JsonBody
{
    /// <summary>Web defaults, Fluo's source-generated types (spans read by <see cref="TraceSpanJsonConverter"/>), and no unknown members.</summary>
    public static readonly JsonSerializerOptions StrictOptions = FluoJsonContext.WithTraceSpanConverter(new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(ApiJsonContext.Default, FluoJsonContext.Default),
    });

    /// <summary>Reads the body as <typeparamref name="T"/>; <paramref name="allowEmpty"/> makes an absent body give null.</summary>
    public static async Task<BodyResult<T>> ReadAsync<T>(HttpRequest request, int maxBytes, bool allowEmpty = false)
        where T : class
    {
        var empty = request.ContentLength == 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count == 0);
        if (empty && allowEmpty)
        {
            return new BodyResult<T>(null, null);
        }

        if (!request.HasJsonContentType())
        {
            return Fail<T>(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Content-Type '{request.ContentType}' is not supported: send application/json.");
        }

        if (request.ContentLength > maxBytes)
        {
            return TooLarge<T>(maxBytes);
        }

        var (buffer, length) = await ReadLimitedAsync(request.Body, maxBytes, request.HttpContext.RequestAborted);
        if (length < 0)
        {
            return TooLarge<T>(maxBytes);
        }

        if (length == 0)
        {
            return allowEmpty ? new BodyResult<T>(null, null) : Fail<T>(StatusCodes.Status400BadRequest, "Empty body", "The request body is empty: send a JSON object.");
        }

        try
        {
            var value = JsonSerializer.Deserialize(buffer.AsSpan(0, length), (JsonTypeInfo<T>)StrictOptions.GetTypeInfo(typeof(T)));
            return value is null
                ? Fail<T>(StatusCodes.Status400BadRequest, "Invalid JSON", "The body is JSON null: send a JSON object.")
                : new BodyResult<T>(value, null);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is { Length: > 0 } path ? $" at {path}" : "";
            return Fail<T>(StatusCodes.Status400BadRequest, "Invalid JSON", $"The body is not a valid request{where}: {FirstSentence(ex.Message)}");
        }
    }

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends "Path: ... | LineNumber: ..." which the detail already says in words.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static async Task<(byte[] Buffer, int Length)> ReadLimitedAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, maxBytes + 1L));
            }

            var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return (buffer, length);
            }

            length += read;
            if (length > maxBytes)
            {
                return (buffer, -1);
            }
        }
    }

    private static BodyResult<T> TooLarge<T>(int maxBytes) where T : class =>
        Fail<T>(StatusCodes.Status413PayloadTooLarge, "Request body too large", $"The body exceeds the limit of {maxBytes} bytes.");

    private static BodyResult<T> Fail<T>(int status, string title, string detail) where T : class =>
        new(null, TypedResults.Problem(detail, statusCode: status, title: title));
}

/// <summary>A body read by <see cref="JsonBody"/>: the value, or the problem to answer with.</summary>
internal sealed record BodyResult<T>(T? Value, ProblemHttpResult? Problem) where T : class;
