using System.Globalization;
using Fluo.Nats.JetStream.Internal;
using Fluo.Nats.JetStream.Serialization;

namespace Fluo.Nats.JetStream;

public sealed partial class NatsJSContext
{
    private static readonly NatsRawSerializer<ReadOnlyMemory<byte>> AckReader = NatsRawSerializer<ReadOnlyMemory<byte>>.Default;

    /// <inheritdoc />
    /// <remarks>
    /// Goes through the core <see cref="INatsConnection.RequestAsync{TRequest, TReply}"/>, so the publish span and
    /// trace-context headers are the core client's. Only "no responders" is retried: a timeout may have stored the
    /// message, so retrying it could duplicate (use <see cref="NatsJSPubOpts.MsgId"/> to retry safely yourself).
    /// </remarks>
    public async ValueTask<PubAck> PublishAsync<T>(string subject, T data, NatsJSPubOpts? opts = null, NatsHeaders? headers = null, INatsSerialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        if (opts is { HasHeaders: true })
        {
            headers = WithPublishHeaders(headers, opts);
        }

        var attempts = Math.Max(1, opts?.RetryAttempts ?? 4);
        var wait = opts?.RetryWait ?? TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var reply = await Connection.RequestAsync(subject, data, headers, RequestTimeout, serializer, AckReader, cancellationToken).ConfigureAwait(false);
                return ParseResponse(reply.Data, NatsJSJsonContext.Default.PubAck);
            }
            catch (NatsNoRespondersException) when (attempt < attempts)
            {
                NatsJSLog.PublishNoResponders(Logger, subject, attempt, attempts);
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                wait *= 2;
            }
        }
    }

    internal static NatsHeaders WithPublishHeaders(NatsHeaders? headers, NatsJSPubOpts opts)
    {
        var copy = new NatsHeaders((headers?.Count ?? 0) + 2);
        if (headers is not null)
        {
            foreach (var (key, value) in headers)
            {
                copy[key] = value;
            }
        }

        if (opts.MsgId is { } id)
        {
            copy["Nats-Msg-Id"] = id;
        }

        if (opts.ExpectedStream is { } stream)
        {
            copy["Nats-Expected-Stream"] = stream;
        }

        if (opts.ExpectedLastSequence is { } last)
        {
            copy["Nats-Expected-Last-Sequence"] = last.ToString(CultureInfo.InvariantCulture);
        }

        if (opts.ExpectedLastSubjectSequence is { } lastSubject)
        {
            copy["Nats-Expected-Last-Subject-Sequence"] = lastSubject.ToString(CultureInfo.InvariantCulture);
        }

        if (opts.ExpectedLastMsgId is { } lastId)
        {
            copy["Nats-Expected-Last-Msg-Id"] = lastId;
        }

        return copy;
    }
}
