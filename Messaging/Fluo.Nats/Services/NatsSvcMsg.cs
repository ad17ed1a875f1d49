using System.Globalization;

namespace Fluo.Nats.Services;

/// <summary>A request to a service endpoint. Answer it with <see cref="ReplyAsync{TReply}"/> or <see cref="ReplyErrorAsync(int, string, NatsHeaders?, CancellationToken)"/>.</summary>
/// <typeparam name="T">Payload type.</typeparam>
public readonly struct NatsSvcMsg<T>
{
    private readonly NatsSvcEndpoint? _endpoint;

    internal NatsSvcMsg(NatsMsg<T> msg, NatsSvcEndpoint? endpoint)
    {
        Msg = msg;
        _endpoint = endpoint;
    }

    /// <summary>The underlying message.</summary>
    public NatsMsg<T> Msg { get; }

    /// <summary>The subject the request was sent to.</summary>
    public string Subject => Msg.Subject;

    /// <summary>Where the answer goes, or null when the sender wants none.</summary>
    public string? ReplyTo => Msg.ReplyTo;

    /// <summary>The request headers, if any.</summary>
    public NatsHeaders? Headers => Msg.Headers;

    /// <summary>The request payload.</summary>
    public T? Data => Msg.Data;

    /// <summary>Answers the request.</summary>
    public ValueTask ReplyAsync<TReply>(TReply data, NatsHeaders? headers = null, INatsSerialize<TReply>? serializer = null, CancellationToken cancellationToken = default) =>
        ReplyTo is null ? ValueTask.CompletedTask : Msg.ReplyAsync(data, headers, serializer, cancellationToken);

    /// <summary>
    /// Answers with a service error (empty body, <c>Nats-Service-Error</c> and <c>Nats-Service-Error-Code</c>
    /// headers) and counts it in the endpoint's stats.
    /// </summary>
    public ValueTask ReplyErrorAsync(int code, string message, NatsHeaders? headers = null, CancellationToken cancellationToken = default) =>
        ReplyErrorAsync(code, message, ReadOnlyMemory<byte>.Empty, headers, serializer: null, cancellationToken);

    /// <summary>Answers with a service error that also carries a body.</summary>
    public ValueTask ReplyErrorAsync<TReply>(int code, string message, TReply data, NatsHeaders? headers = null, INatsSerialize<TReply>? serializer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        _endpoint?.RecordError(code, message);
        if (ReplyTo is null)
        {
            return ValueTask.CompletedTask;
        }

        headers ??= new NatsHeaders(2);
        // One line per header value: CR/LF in a description would break the header block.
        headers[NatsSvcHeaders.Error] = message.ReplaceLineEndings(" ");
        headers[NatsSvcHeaders.ErrorCode] = code.ToString(CultureInfo.InvariantCulture);
        return Msg.ReplyAsync(data, headers, serializer, cancellationToken);
    }
}
