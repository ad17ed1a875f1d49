using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Fluo.Nats.JetStream.Internal;
using Fluo.Nats.JetStream.Serialization;
using Microsoft.Extensions.Logging;

namespace Fluo.Nats.JetStream;

/// <summary>JetStream over the request-reply API <c>$JS.API.…</c> (or a domain's / an explicit prefix).</summary>
public sealed partial class NatsJSContext : INatsJSContext
{
    private static readonly NatsRawSerializer<ReadOnlyMemory<byte>> Raw = NatsRawSerializer<ReadOnlyMemory<byte>>.Default;
    private static readonly System.Buffers.SearchValues<char> NameForbidden = System.Buffers.SearchValues.Create(" .*>\t\r\n");

    /// <summary>Creates a context on <paramref name="connection"/>.</summary>
    public NatsJSContext(INatsConnection connection, NatsJSOpts? opts = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        Opts = opts ?? NatsJSOpts.Default;
        Logger = connection.Opts.LoggerFactory.CreateLogger<NatsJSContext>();
    }

    /// <inheritdoc />
    public INatsConnection Connection { get; }

    /// <inheritdoc />
    public NatsJSOpts Opts { get; }

    internal ILogger Logger { get; }

    internal TimeSpan RequestTimeout => Opts.RequestTimeout ?? Connection.Opts.RequestTimeout;

    /// <summary>The full subject of an API call, e.g. <c>$JS.API.STREAM.INFO.ORDERS</c>.</summary>
    internal string ApiSubject(string operation) => string.Concat(Opts.Prefix, ".", operation);

    /// <inheritdoc />
    public ValueTask<AccountInfo> GetAccountInfoAsync(CancellationToken cancellationToken = default) =>
        RequestAsync("INFO", NatsJSJsonContext.Default.AccountInfo, cancellationToken);

    internal ValueTask<TResponse> RequestAsync<TResponse>(string operation, JsonTypeInfo<TResponse> response, CancellationToken cancellationToken) =>
        SendAsync(operation, ReadOnlyMemory<byte>.Empty, response, cancellationToken);

    /// <summary>
    /// Walks a paged list API (names or infos of streams or consumers) from offset 0 until the server's total is
    /// reached or a page comes back empty.
    /// </summary>
    internal async IAsyncEnumerable<TItem> PageAsync<TRequest, TPage, TItem>(string operation, Func<int, TRequest> request,
        JsonTypeInfo<TRequest> requestInfo, JsonTypeInfo<TPage> pageInfo, Func<TPage, (IReadOnlyList<TItem>? Items, int Total)> items,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var offset = 0;
        while (true)
        {
            var page = await RequestAsync(operation, request(offset), requestInfo, pageInfo, cancellationToken).ConfigureAwait(false);
            var (list, total) = items(page);
            if (list is not { Count: > 0 })
            {
                yield break;
            }

            foreach (var item in list)
            {
                yield return item;
            }

            offset += list.Count;
            if (offset >= total)
            {
                yield break;
            }
        }
    }

    internal ValueTask<TResponse> RequestAsync<TRequest, TResponse>(string operation, TRequest request, JsonTypeInfo<TRequest> requestInfo, JsonTypeInfo<TResponse> response, CancellationToken cancellationToken) =>
        SendAsync(operation, JsonSerializer.SerializeToUtf8Bytes(request, requestInfo), response, cancellationToken);

    private async ValueTask<TResponse> SendAsync<TResponse>(string operation, ReadOnlyMemory<byte> body, JsonTypeInfo<TResponse> response, CancellationToken cancellationToken)
    {
        var subject = ApiSubject(operation);
        var reply = await Connection.RequestAsync(subject, body, null, RequestTimeout, Raw, Raw, cancellationToken).ConfigureAwait(false);
        return ParseResponse(reply.Data, response);
    }

    /// <summary>Throws <see cref="NatsJSApiException"/> when the response holds an <c>error</c>, else deserializes it.</summary>
    internal static T ParseResponse<T>(ReadOnlyMemory<byte> json, JsonTypeInfo<T> info)
    {
        if (json.IsEmpty)
        {
            throw new NatsJSException("The JetStream API sent an empty response.");
        }

        ThrowIfError(json);
        try
        {
            return JsonSerializer.Deserialize(json.Span, info) ?? throw new NatsJSException("The JetStream API sent a null response.");
        }
        catch (JsonException ex)
        {
            throw new NatsJSException($"The JetStream API response is not valid: {ex.Message}", ex);
        }
    }

    internal static void ThrowIfError(ReadOnlyMemory<byte> json)
    {
        if (json.Span.IndexOf("\"error\""u8) < 0)
        {
            return;
        }

        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind == JsonValueKind.Object &&
            document.RootElement.TryGetProperty("error", out var element) &&
            element.Deserialize(NatsJSJsonContext.Default.ApiError) is { } error)
        {
            throw new NatsJSApiException(error.Code, error.ErrCode, error.Description ?? string.Empty);
        }
    }

    internal static void ValidateName(string name, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, what);
        if (name.AsSpan().IndexOfAny(NameForbidden) >= 0)
        {
            throw new ArgumentException($"Invalid {what} '{name}': no spaces, '.', '*' or '>'.", what);
        }
    }
}
