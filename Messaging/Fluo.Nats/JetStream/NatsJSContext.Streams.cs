using Fluo.Nats.JetStream.Serialization;
using Fluo.Nats.Protocol;

namespace Fluo.Nats.JetStream;

public sealed partial class NatsJSContext
{
    /// <inheritdoc />
    public ValueTask<StreamInfo> CreateStreamAsync(StreamConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ValidateName(config.Name, "stream name");
        return RequestAsync($"STREAM.CREATE.{config.Name}", config, NatsJSJsonContext.Default.StreamConfig, NatsJSJsonContext.Default.StreamInfo, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<StreamInfo> UpdateStreamAsync(StreamConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ValidateName(config.Name, "stream name");
        return RequestAsync($"STREAM.UPDATE.{config.Name}", config, NatsJSJsonContext.Default.StreamConfig, NatsJSJsonContext.Default.StreamInfo, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<StreamInfo> CreateOrUpdateStreamAsync(StreamConfig config, CancellationToken cancellationToken = default)
    {
        try
        {
            return await UpdateStreamAsync(config, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.ErrorCode == NatsJSErrorCodes.StreamNotFound)
        {
            return await CreateStreamAsync(config, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask<StreamInfo> GetStreamAsync(string stream, CancellationToken cancellationToken = default)
    {
        ValidateName(stream, nameof(stream));
        return RequestAsync($"STREAM.INFO.{stream}", NatsJSJsonContext.Default.StreamInfo, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteStreamAsync(string stream, CancellationToken cancellationToken = default)
    {
        ValidateName(stream, nameof(stream));
        var response = await RequestAsync($"STREAM.DELETE.{stream}", NatsJSJsonContext.Default.SuccessResponse, cancellationToken).ConfigureAwait(false);
        return response.Success;
    }

    /// <inheritdoc />
    public async ValueTask<ulong> PurgeStreamAsync(string stream, StreamPurgeRequest? request = null, CancellationToken cancellationToken = default)
    {
        ValidateName(stream, nameof(stream));
        var response = await RequestAsync($"STREAM.PURGE.{stream}", request ?? new StreamPurgeRequest(), NatsJSJsonContext.Default.StreamPurgeRequest, NatsJSJsonContext.Default.PurgeResponse, cancellationToken).ConfigureAwait(false);
        return response.Purged;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<string> ListStreamNamesAsync(string? subject = null, CancellationToken cancellationToken = default) =>
        PageAsync("STREAM.NAMES", offset => new StreamNamesRequest(offset, subject), NatsJSJsonContext.Default.StreamNamesRequest,
            NatsJSJsonContext.Default.StreamNamesResponse, page => (page.Streams, page.Total), cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<StreamInfo> ListStreamsAsync(string? subject = null, CancellationToken cancellationToken = default) =>
        PageAsync("STREAM.LIST", offset => new StreamNamesRequest(offset, subject), NatsJSJsonContext.Default.StreamNamesRequest,
            NatsJSJsonContext.Default.StreamListResponse, page => (page.Streams, page.Total), cancellationToken);

    /// <inheritdoc />
    public async ValueTask<StoredMsg> GetMsgAsync(string stream, StreamMsgGetRequest request, CancellationToken cancellationToken = default)
    {
        ValidateName(stream, nameof(stream));
        ArgumentNullException.ThrowIfNull(request);
        var response = await RequestAsync($"STREAM.MSG.GET.{stream}", request, NatsJSJsonContext.Default.StreamMsgGetRequest, NatsJSJsonContext.Default.MsgGetResponse, cancellationToken).ConfigureAwait(false);
        var raw = response.Message ?? throw new NatsJSException("The message-get response holds no message.");
        return new StoredMsg
        {
            Subject = raw.Subject,
            Seq = raw.Seq,
            Headers = raw.Hdrs is { Length: > 0 } hdrs ? HeaderCodec.Parse(hdrs) : null,
            Data = raw.Data ?? [],
            Time = raw.Time,
        };
    }
}
