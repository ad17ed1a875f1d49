using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Signals;
using Fluo.Web.Auth;

namespace Fluo.Web.Live;

/// <summary>
/// One client WebSocket: a receive loop that parses and answers client frames (one at a time, in order) and a
/// <see cref="LiveOutbox"/> of frames to send. Live events reach it through <see cref="Deliver"/>; while a
/// subscription replays from JetStream, live events for it are buffered and flushed after the replay, skipping
/// sequences already sent, so a client sees each event once and in order.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "_closing may still have a pending CancelAfter when the connection ends; it holds no unmanaged state.")]
public sealed class LiveConnection
{
    private readonly WebSocket _socket;
    private readonly LiveHub _hub;
    private readonly LiveReplay _replay;
    private readonly LiveTokens _tokens;
    private readonly BackendClient _backend;
    private readonly WebOptions _options;
    private readonly LiveOutbox _outbox;
    private readonly Dictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closing = new();
    private string? _user;
    private long _windowStart = Environment.TickCount64;
    private int _windowCount;
    private bool _rateErrorSent;

    internal LiveConnection(WebSocket socket, CorkedStream? transport, LiveHub hub, LiveReplay replay, LiveTokens tokens, BackendClient backend, WebOptions options, ILogger logger)
    {
        _socket = socket;
        _hub = hub;
        _replay = replay;
        _tokens = tokens;
        _backend = backend;
        _options = options;
        _outbox = new LiveOutbox(socket, transport, options.SendQueueLength, hub.Metrics, logger);
    }

    /// <summary>The authenticated user, if any.</summary>
    public string? User => _user;

    /// <summary>Serves the socket until either side closes it.</summary>
    public async Task RunAsync(string? cookieUser, CancellationToken cancellationToken)
    {
        _hub.Add(this);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        var sending = WatchOutboxAsync();
        try
        {
            if (cookieUser is not null)
            {
                Authenticate(cookieUser, "cookie", null);
            }
            else
            {
                _ = CloseIfUnauthenticatedAsync(linked.Token);
            }

            await ReceiveLoopAsync(linked.Token);
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested || cancellationToken.IsCancellationRequested)
        {
        }
        catch (WebSocketException)
        {
            // The peer went away without a close handshake (or the keep-alive timed out): nothing to answer.
        }
        finally
        {
            _hub.Remove(this);
            if (_user is not null)
            {
                _hub.Release(_user);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                Close(WebSocketCloseStatus.EndpointUnavailable, "server shutting down");
            }

            _outbox.Close(WebSocketCloseStatus.NormalClosure, "bye");
            try
            {
                await sending.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
            }
            catch (TimeoutException)
            {
                // The peer stopped reading with frames still queued: drop the connection.
                _socket.Abort();
            }
        }
    }

    /// <summary>
    /// Queues <paramref name="e"/> for every subscription of this connection it belongs on; returns the outbox when
    /// its drain is for the caller to start (<see cref="LiveSendScheduler"/>).
    /// </summary>
    internal LiveOutbox? Deliver(LiveEvent e)
    {
        var drain = false;
        lock (_subscriptions)
        {
            foreach (var subscription in _subscriptions.Values)
            {
                if (!subscription.Channel.Matches(e))
                {
                    continue;
                }

                if (subscription.Buffer is { } buffer)
                {
                    buffer.Add(e);
                }
                else if (e.Seq > subscription.LastSeq)
                {
                    subscription.LastSeq = e.Seq;
                    drain |= Queue(e.FrameFor(subscription.Channel));
                }
            }
        }

        return drain ? _outbox : null;
    }

    /// <summary>Ends the connection from the server side with a close frame.</summary>
    internal void CloseWith(WebSocketCloseStatus status, string reason) => Close(status, reason);

    /// <summary>Queues <paramref name="frame"/> and sends it (and what else is queued) from this thread, as far as the socket takes it at once.</summary>
    private void Send(byte[] frame)
    {
        if (Queue(frame))
        {
            _outbox.Drain();
        }
    }

    /// <summary>Queues <paramref name="frame"/>; true when the caller must start the drain.</summary>
    private bool Queue(byte[] frame)
    {
        switch (_outbox.Enqueue(frame))
        {
            case Queued.NeedsDrain:
                return true;
            case Queued.Full:
                // The client does not read fast enough: drop it rather than buffer without bound.
                _hub.Metrics.SlowConsumer();
                Close(WebSocketCloseStatus.PolicyViolation, "slow consumer: send queue full");
                return false;
            default:
                return false;
        }
    }

    private void Close(WebSocketCloseStatus status, string reason)
    {
        if (_outbox.Close(status, reason))
        {
            // Give the peer a moment to answer our close frame, then stop reading.
            _closing.CancelAfter(TimeSpan.FromSeconds(3));
        }
    }

    private void Fail(string code, string reason, string? channel = null, string? reference = null) =>
        Send(ServerFrames.Error(code, reason, channel, reference));

    /// <summary>Ends the receive loop once the outbox is done: soon after our close frame (the peer answers it), at once when sending failed.</summary>
    private async Task WatchOutboxAsync()
    {
        if (await _outbox.Completion)
        {
            _closing.CancelAfter(TimeSpan.FromSeconds(3));
        }
        else
        {
            await _closing.CancelAsync();
        }
    }

    private async Task CloseIfUnauthenticatedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(_options.AuthenticateTimeout, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (_user is null)
        {
            Fail(ErrorCodes.Unauthenticated, $"Not authenticated within {_options.AuthenticateTimeout.TotalSeconds:0.#} s.");
            Close(WebSocketCloseStatus.PolicyViolation, "authentication timeout");
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var chunk = new byte[16 * 1024];
        var message = new ArrayBufferWriter<byte>(16 * 1024);
        while (!cancellationToken.IsCancellationRequested)
        {
            message.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            var tooLarge = false;
            do
            {
                result = await _socket.ReceiveAsync(chunk.AsMemory(), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Close(WebSocketCloseStatus.NormalClosure, "bye");
                    return;
                }

                if (message.WrittenCount + result.Count > _options.MaxFrameBytes)
                {
                    tooLarge = true;
                    break;
                }

                message.Write(chunk.AsSpan(0, result.Count));
            }
            while (!result.EndOfMessage);

            if (tooLarge)
            {
                Fail(ErrorCodes.FrameTooLarge, $"Frames are limited to {_options.MaxFrameBytes} bytes.");
                Close(WebSocketCloseStatus.MessageTooBig, "frame too large");
                return;
            }

            if (!WithinRate())
            {
                continue;
            }

            await HandleAsync(message.WrittenSpan.ToArray(), cancellationToken);
        }
    }

    private bool WithinRate()
    {
        var now = Environment.TickCount64;
        if (now - _windowStart >= 1000)
        {
            _windowStart = now;
            _windowCount = 0;
            _rateErrorSent = false;
        }

        if (++_windowCount <= _options.MaxMessagesPerSecond)
        {
            return true;
        }

        if (!_rateErrorSent)
        {
            // One error per second is enough; further excess frames are dropped silently until the window turns.
            _rateErrorSent = true;
            Fail(ErrorCodes.RateLimited, $"More than {_options.MaxMessagesPerSecond} frames per second; excess frames are dropped.");
        }

        return false;
    }

    private async Task HandleAsync(byte[] utf8, CancellationToken cancellationToken)
    {
        var (frame, code, reason) = ClientFrame.Parse(utf8);
        if (frame is null)
        {
            Fail(code!, reason!);
            return;
        }

        switch (frame.Type)
        {
            case FrameTypes.Ping:
                Send(ServerFrames.Write(FrameTypes.Pong, null, static w => w.WriteNullValue(), frame.Id));
                return;
            case FrameTypes.Authenticate:
                AuthenticateWithToken(frame);
                return;
            case FrameTypes.Subscribe or FrameTypes.Unsubscribe or FrameTypes.Publish when _user is null:
                Fail(ErrorCodes.Unauthenticated, "Authenticate first (a browser's cookie, or an 'authenticate' frame with a token from /api/token).", frame.Channel, frame.Id);
                return;
            case FrameTypes.Subscribe:
                await SubscribeAsync(frame, cancellationToken);
                return;
            case FrameTypes.Unsubscribe:
                Unsubscribe(frame);
                return;
            case FrameTypes.Publish:
                await PublishAsync(frame, cancellationToken);
                return;
            default:
                Fail(ErrorCodes.UnknownType, $"Unknown frame type '{frame.Type}'; expected authenticate, subscribe, unsubscribe, publish or ping.", frame.Channel, frame.Id);
                return;
        }
    }

    private void AuthenticateWithToken(ClientFrame frame)
    {
        var token = frame.Payload switch
        {
            { ValueKind: JsonValueKind.String } s => s.GetString(),
            { ValueKind: JsonValueKind.Object } o when o.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String => t.GetString(),
            _ => null,
        };
        var user = token is null ? null : _tokens.Validate(token);
        if (user is null)
        {
            Fail(ErrorCodes.InvalidToken, token is null ? "'authenticate' needs payload {\"token\": \"...\"} (GET /api/token)." : "The token is invalid or expired.", reference: frame.Id);
            return;
        }

        if (_user is not null)
        {
            if (_user != user)
            {
                Fail(ErrorCodes.InvalidToken, $"This connection is already authenticated as '{_user}'.", reference: frame.Id);
                return;
            }

            SendAuthenticated("token", frame.Id);
            return;
        }

        Authenticate(user, "token", frame.Id);
    }

    private void Authenticate(string user, string via, string? reference)
    {
        if (!_hub.TryAcquire(user, _options.MaxConnectionsPerUser))
        {
            Fail(ErrorCodes.TooManyConnections, $"'{user}' already has {_options.MaxConnectionsPerUser} open connections.", reference: reference);
            Close(WebSocketCloseStatus.PolicyViolation, "too many connections");
            return;
        }

        _user = user;
        SendAuthenticated(via, reference);
    }

    private void SendAuthenticated(string via, string? reference) =>
        Send(ServerFrames.Write(FrameTypes.Authenticated, null, w =>
        {
            w.WriteStartObject();
            w.WriteString("user", _user);
            w.WriteString("via", via);
            w.WriteNumber("heartbeatSeconds", _options.Heartbeat.TotalSeconds);
            w.WriteEndObject();
        }, reference));

    private async Task SubscribeAsync(ClientFrame frame, CancellationToken cancellationToken)
    {
        if (!LiveChannel.TryParse(frame.Channel, out var channel))
        {
            Fail(ErrorCodes.BadChannel, $"Unknown channel '{frame.Channel}'; channels are signals, signal:{{id}}, jobs, job:{{id}}, metrics and system.", frame.Channel, frame.Id);
            return;
        }

        var subscription = new Subscription(channel) { Buffer = frame.Since is null ? null : [] };
        lock (_subscriptions)
        {
            if (!_subscriptions.ContainsKey(channel.Name) && _subscriptions.Count >= _options.MaxSubscriptionsPerConnection)
            {
                Fail(ErrorCodes.TooManySubscriptions, $"At most {_options.MaxSubscriptionsPerConnection} subscriptions per connection.", channel.Name, frame.Id);
                return;
            }

            _subscriptions[channel.Name] = subscription;
        }

        var replayed = 0;
        var truncated = false;
        string? replayError = null;
        if (frame.Since is { } since && channel.Source != EventSource.Metrics)
        {
            try
            {
                (replayed, truncated, _) = await _replay.ReplayAsync(channel, since, e =>
                {
                    lock (_subscriptions)
                    {
                        subscription.LastSeq = e.Seq;
                        Send(e.FrameFor(channel));
                    }
                }, cancellationToken);
            }
            catch (Exception ex) when (ex is Fluo.Nats.NatsException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                replayError = ex.Message;
            }
        }

        lock (_subscriptions)
        {
            if (replayError is not null)
            {
                Fail(ErrorCodes.ReplayFailed, "Replay from JetStream failed (" + replayError + "); live events follow.", channel.Name, frame.Id);
            }
            else if (truncated)
            {
                Fail(ErrorCodes.ReplayFailed, $"Replay stopped after {_options.MaxReplay} events; reload the page for the rest.", channel.Name, frame.Id);
            }

            Send(ServerFrames.Write(FrameTypes.Subscribed, channel.Name, w =>
            {
                w.WriteStartObject();
                if (frame.Since is { } s)
                {
                    w.WriteNumber("since", s);
                }

                w.WriteNumber("replayed", replayed);
                w.WriteNumber("lastSeq", subscription.LastSeq);
                w.WriteEndObject();
            }, frame.Id));
            if (subscription.Buffer is { } buffer)
            {
                subscription.Buffer = null;
                foreach (var e in buffer)
                {
                    if (e.Seq > subscription.LastSeq)
                    {
                        subscription.LastSeq = e.Seq;
                        Send(e.FrameFor(channel));
                    }
                }
            }
        }
    }

    private void Unsubscribe(ClientFrame frame)
    {
        if (!LiveChannel.TryParse(frame.Channel, out var channel))
        {
            Fail(ErrorCodes.BadChannel, $"Unknown channel '{frame.Channel}'.", frame.Channel, frame.Id);
            return;
        }

        lock (_subscriptions)
        {
            if (!_subscriptions.Remove(channel.Name))
            {
                Fail(ErrorCodes.NotSubscribed, $"Not subscribed to '{channel.Name}'.", channel.Name, frame.Id);
                return;
            }

            Send(ServerFrames.Write(FrameTypes.Unsubscribed, channel.Name, static w => w.WriteNullValue(), frame.Id));
        }
    }

    private async Task PublishAsync(ClientFrame frame, CancellationToken cancellationToken)
    {
        if (!LiveChannel.TryParse(frame.Channel, out var channel))
        {
            Fail(ErrorCodes.BadChannel, $"Unknown channel '{frame.Channel}'.", frame.Channel, frame.Id);
            return;
        }

        if (!channel.AllowsPublish)
        {
            Fail(ErrorCodes.PublishNotAllowed, $"Channel '{channel.Name}' does not accept publish; only signal:{{id}} does ({{\"status\":\"resolved\"|\"open\"}}).", channel.Name, frame.Id);
            return;
        }

        var status = frame.Payload is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String
            ? s.GetString() switch { "resolved" => SignalStatus.Resolved, "open" => SignalStatus.Open, _ => (SignalStatus?)null }
            : null;
        if (status is null)
        {
            Fail(ErrorCodes.BadFrame, "Publish to signal:{id} needs payload {\"status\": \"resolved\" | \"open\"}.", channel.Name, frame.Id);
            return;
        }

        try
        {
            // The change comes back to subscribers as signals.status.* from SIGNALS, like any other.
            await _backend.RequestAsync<ResolveSignalRequest, Signal>(BackendSubjects.SignalsSetStatus, new ResolveSignalRequest(channel.Id, status.Value, _user!), cancellationToken);
        }
        catch (BackendException ex)
        {
            Fail(ErrorCodes.PublishFailed, ex.Message, channel.Name, frame.Id);
        }
    }

    private sealed class Subscription(LiveChannel channel)
    {
        public LiveChannel Channel { get; } = channel;

        /// <summary>Live events held back while the replay runs (null when live).</summary>
        public List<LiveEvent>? Buffer { get; set; }

        /// <summary>The highest sequence sent on this subscription.</summary>
        public ulong LastSeq { get; set; }
    }
}
