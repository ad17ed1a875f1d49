using System.Buffers;
using System.IO.Compression;
using Fluo.Otlp.Codec;
using Fluo.Otlp.Traces;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Fluo.Otlp.Http;

/// <summary>
/// OTLP/HTTP request handling shared by Fluo's receivers: reads the body (size limit, gzip), decodes it by
/// <c>Content-Type</c> (protobuf or JSON), and writes responses and <c>google.rpc.Status</c> errors in the
/// request's encoding.
/// </summary>
public static class OtlpHttp
{
    /// <summary>
    /// Reads and decodes an export request. A refused request gives an <see cref="OtlpHttpError"/>: 415 for another
    /// content type or content encoding, 413 for a body over <see cref="OtlpHttpOptions.MaxRequestBytes"/>, 400 for
    /// a body that is not valid OTLP.
    /// </summary>
    public static Task<OtlpReadResult<TRequest>> ReadAsync<TRequest>(
        HttpRequest request, MessageParser<TRequest> parser, OtlpHttpOptions? options = null, CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>, new()
    {
        ArgumentNullException.ThrowIfNull(parser);
        return ReadBodyAsync(request, (body, encoding) => OtlpCodec.Decode(body, encoding, parser), options, cancellationToken);
    }

    /// <summary>
    /// <see cref="ReadAsync{TRequest}"/> for a trace export, read into its spans: a protobuf body by
    /// <see cref="OtlpSpanReader"/>, straight from its bytes; a JSON one parsed and flattened (<see cref="OtlpSpans.Flatten"/>).
    /// </summary>
    public static Task<OtlpReadResult<OtlpSpanBatch>> ReadTracesAsync(HttpRequest request, OtlpHttpOptions? options = null, CancellationToken cancellationToken = default) =>
        ReadBodyAsync(request, static (body, encoding) => encoding == OtlpEncoding.Json
            ? OtlpSpans.Flatten(OtlpCodec.Decode(body, encoding, ExportTraceServiceRequest.Parser))
            : OtlpSpanReader.Read(body), options, cancellationToken);

    private static async Task<OtlpReadResult<TResult>> ReadBodyAsync<TResult>(
        HttpRequest request, Decoder<TResult> decode, OtlpHttpOptions? options, CancellationToken cancellationToken)
        where TResult : class
    {
        ArgumentNullException.ThrowIfNull(request);
        var maxBytes = (options ?? new OtlpHttpOptions()).MaxRequestBytes;
        if (!OtlpContentTypes.TryParse(request.ContentType, out var encoding))
        {
            return OtlpReadResult<TResult>.Failure(new OtlpHttpError(StatusCodes.Status415UnsupportedMediaType,
                $"Content-Type '{request.ContentType}' is not supported: send {OtlpContentTypes.Protobuf} or {OtlpContentTypes.Json}."), encoding);
        }

        var contentEncoding = request.Headers.ContentEncoding.ToString();
        var gzip = contentEncoding.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && contentEncoding.Length > 0 && !contentEncoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return OtlpReadResult<TResult>.Failure(new OtlpHttpError(StatusCodes.Status415UnsupportedMediaType,
                $"Content-Encoding '{contentEncoding}' is not supported: send gzip or no encoding."), encoding);
        }

        if (!gzip && request.ContentLength > maxBytes)
        {
            return OtlpReadResult<TResult>.Failure(TooLarge(maxBytes), encoding);
        }

        // The body lives only until it is decoded (the message copies what it keeps), so its buffer is pooled: an export
        // of a few hundred spans is larger than 85 KB, and a fresh buffer that size goes to the large object heap, which
        // only a full collection frees.
        ArraySegment<byte>? body;
        try
        {
            body = await ReadBoundedAsync(request.Body, gzip, maxBytes, (int)Math.Min(request.ContentLength ?? 0, maxBytes), ArrayPool<byte>.Shared, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own MaxRequestBodySize (413) or a broken chunked body (400).
            return OtlpReadResult<TResult>.Failure(new OtlpHttpError(ex.StatusCode, $"The body could not be read: {ex.Message}"), encoding);
        }
        catch (InvalidDataException ex)
        {
            return OtlpReadResult<TResult>.Failure(new OtlpHttpError(StatusCodes.Status400BadRequest, $"The gzip body could not be decompressed: {ex.Message}"), encoding);
        }

        if (body is not { } bytes)
        {
            return OtlpReadResult<TResult>.Failure(TooLarge(maxBytes), encoding);
        }

        try
        {
            return OtlpReadResult<TResult>.Success(decode(bytes, encoding), encoding);
        }
        catch (OtlpFormatException ex)
        {
            return OtlpReadResult<TResult>.Failure(new OtlpHttpError(StatusCodes.Status400BadRequest, ex.Message), encoding);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes.Array!);
        }
    }

    /// <summary>Writes a 200 response carrying <paramref name="message"/> (an export response, with partial success if any).</summary>
    public static Task WriteResponseAsync(HttpResponse response, IMessage message, OtlpEncoding encoding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(message);
        return WriteAsync(response, StatusCodes.Status200OK, message, encoding, cancellationToken);
    }

    /// <summary>Writes <paramref name="error"/> as its HTTP status with a <c>google.rpc.Status</c> body.</summary>
    public static Task WriteErrorAsync(HttpResponse response, OtlpHttpError error, OtlpEncoding encoding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(error);
        return WriteAsync(response, error.StatusCode, new Google.Rpc.Status { Code = error.RpcCode, Message = error.Message }, encoding, cancellationToken);
    }

    private static async Task WriteAsync(HttpResponse response, int statusCode, IMessage message, OtlpEncoding encoding, CancellationToken cancellationToken)
    {
        response.StatusCode = statusCode;
        response.ContentType = OtlpContentTypes.For(encoding);
        await response.Body.WriteAsync(OtlpCodec.Encode(message, encoding), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Decodes a whole body; throws <see cref="OtlpFormatException"/> when it is not valid.</summary>
    private delegate T Decoder<out T>(ReadOnlySpan<byte> body, OtlpEncoding encoding);

    private static OtlpHttpError TooLarge(int maxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, $"The body exceeds the receiver's limit of {maxBytes} bytes.");

    /// <summary>
    /// Reads <paramref name="body"/> to its end, gunzipping it when <paramref name="gzip"/>, without holding more than one
    /// byte past <paramref name="maxBytes"/>: null when the (decompressed) content is larger. Bad gzip data throws
    /// <see cref="InvalidDataException"/>.
    /// </summary>
    /// <param name="body">The stream to read; left open.</param>
    /// <param name="gzip">Whether it is gzip-compressed.</param>
    /// <param name="maxBytes">The most (decompressed) bytes accepted.</param>
    /// <param name="expectedBytes">A size hint for the first buffer (e.g. Content-Length), 0 when unknown.</param>
    /// <param name="pool">
    /// Where to rent the buffers from; the caller then returns the result's array to it once done with the bytes. Null
    /// for buffers of their own.
    /// </param>
    /// <param name="cancellationToken">Stops the read.</param>
    public static async Task<ArraySegment<byte>?> ReadBoundedAsync(
        Stream body, bool gzip, int maxBytes, int expectedBytes = 0, ArrayPool<byte>? pool = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        var source = gzip ? new GZipStream(body, CompressionMode.Decompress, leaveOpen: true) : body;
        var size = Math.Clamp(expectedBytes, 4096, Math.Max(maxBytes, 4096));
        var buffer = pool?.Rent(size) ?? new byte[size];
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    // Room for one byte past the limit, so an oversize body is noticed without reading all of it.
                    var larger = (int)Math.Min((long)buffer.Length * 2, maxBytes + 1L);
                    var grown = pool?.Rent(larger) ?? new byte[larger];
                    buffer.AsSpan(0, length).CopyTo(grown);
                    pool?.Return(buffer);
                    buffer = grown;
                }

                var read = await source.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    var result = new ArraySegment<byte>(buffer, 0, length);
                    buffer = null;
                    return result;
                }

                length += read;
                if (length > maxBytes)
                {
                    return null;
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                pool?.Return(buffer);
            }

            if (gzip)
            {
                await source.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
