using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Fluo.Nats.Internal;

namespace Fluo.Nats;

public sealed partial class NatsConnection
{
    private readonly ConcurrentDictionary<long, ReplyWaiter> _replies = new();
    private readonly Lock _inboxLock = new();
    private InboxSub? _inbox;
    private long _nextRequestId;

    /// <summary>Prefix of this connection's reply subjects: <c>_INBOX.&lt;nuid&gt;.</c>.</summary>
    internal string InboxPrefix { get; }

    /// <inheritdoc />
    public async ValueTask<NatsMsg<TReply>> RequestAsync<TRequest, TReply>(string subject, TRequest data, NatsHeaders? headers = null, TimeSpan? timeout = null, INatsSerialize<TRequest>? requestSerializer = null, INatsDeserialize<TReply>? replySerializer = null, CancellationToken cancellationToken = default)
    {
        NatsSubjects.Validate(subject, allowWildcards: false);
        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        EnsureInbox();
        var started = Stopwatch.GetTimestamp();
        var id = Interlocked.Increment(ref _nextRequestId);
        var waiter = new ReplyWaiter<TReply>(replySerializer ?? Opts.SerializerRegistry.GetDeserializer<TReply>(), this);
        _replies[id] = waiter;
        var wait = timeout ?? Opts.RequestTimeout;
        var status = "ok";
        try
        {
            await PublishAsync(subject, data, headers, string.Concat(InboxPrefix, id.ToString(CultureInfo.InvariantCulture)), requestSerializer, cancellationToken).ConfigureAwait(false);
            NatsMsg<TReply> reply;
            try
            {
                reply = await waiter.Task.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                status = "timeout";
                throw new NatsRequestTimeoutException(subject, wait);
            }

            if (reply.HasNoResponders)
            {
                status = "no_responders";
                throw new NatsNoRespondersException(subject);
            }

            return reply;
        }
        catch (Exception) when (status == "ok")
        {
            status = "error";
            throw;
        }
        finally
        {
            _replies.TryRemove(id, out _);
            if (NatsTelemetry.OperationDuration.Enabled)
            {
                NatsTelemetry.OperationDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                    new KeyValuePair<string, object?>(NatsTelemetry.MessagingSystem, "nats"),
                    new KeyValuePair<string, object?>(NatsTelemetry.OperationName, "request"),
                    new KeyValuePair<string, object?>(NatsTelemetry.DestinationName, NatsTelemetry.DestinationOf(subject, out _)),
                    new KeyValuePair<string, object?>("nats.request.status", status));
            }
        }
    }

    internal ReplyWaiter? TakeReplyWaiter(long id) => _replies.TryRemove(id, out var waiter) ? waiter : null;

    private void EnsureInbox()
    {
        if (_inbox is not null)
        {
            return;
        }

        lock (_inboxLock)
        {
            if (_inbox is null)
            {
                var inbox = new InboxSub(this, Interlocked.Increment(ref _nextSid), InboxPrefix);
                _writer.Subscribe(inbox);
                _inbox = inbox;
            }
        }
    }

    private void FailPendingRequests(Exception error)
    {
        foreach (var id in _replies.Keys)
        {
            if (_replies.TryRemove(id, out var waiter))
            {
                waiter.Fail(error);
            }
        }
    }
}
