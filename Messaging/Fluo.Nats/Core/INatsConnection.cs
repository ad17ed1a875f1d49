namespace Fluo.Nats;

/// <summary>A connection to a NATS server or cluster, shaped like NATS.Net v2's <c>INatsConnection</c>.</summary>
public interface INatsConnection : IAsyncDisposable
{
    /// <summary>The options the connection was created with.</summary>
    NatsOpts Opts { get; }

    /// <summary>The current state.</summary>
    NatsConnectionState ConnectionState { get; }

    /// <summary>The INFO of the server currently (or last) connected to.</summary>
    NatsServerInfo? ServerInfo { get; }

    /// <summary>Raised when a connection is established (first time and after every reconnect).</summary>
    event EventHandler<NatsEventArgs>? ConnectionOpened;

    /// <summary>Raised when the connection is lost.</summary>
    event EventHandler<NatsEventArgs>? ConnectionDisconnected;

    /// <summary>Raised after a reconnect (also raises <see cref="ConnectionOpened"/>).</summary>
    event EventHandler<NatsEventArgs>? Reconnected;

    /// <summary>Raised when a reconnect attempt fails.</summary>
    event EventHandler<NatsEventArgs>? ReconnectFailed;

    /// <summary>Raised when the server announces lame-duck mode; the client moves to another server.</summary>
    event EventHandler<NatsEventArgs>? LameDuckModeActivated;

    /// <summary>Raised when a subscription starts dropping messages (once per episode).</summary>
    event EventHandler<NatsEventArgs>? SlowConsumerDetected;

    /// <summary>Raised for every dropped message.</summary>
    event EventHandler<NatsMessageDroppedEventArgs>? MessageDropped;

    /// <summary>Raised when the server sends <c>-ERR</c>.</summary>
    event EventHandler<NatsEventArgs>? ServerError;

    /// <summary>Connects (the other operations connect on first use).</summary>
    ValueTask ConnectAsync(CancellationToken cancellationToken = default);

    /// <summary>Round trip to the server; returns the time it took.</summary>
    ValueTask<TimeSpan> PingAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits until everything written so far has been processed by the server (a PING/PONG round trip).</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>Publishes a message. Completes once the message is queued for the socket (or the reconnect buffer).</summary>
    ValueTask PublishAsync<T>(string subject, T data, NatsHeaders? headers = null, string? replyTo = null, INatsSerialize<T>? serializer = null, CancellationToken cancellationToken = default);

    /// <summary>Publishes a message without payload.</summary>
    ValueTask PublishAsync(string subject, NatsHeaders? headers = null, string? replyTo = null, CancellationToken cancellationToken = default);

    /// <summary>Subscribes and yields messages until <paramref name="cancellationToken"/> fires, then unsubscribes.</summary>
    IAsyncEnumerable<NatsMsg<T>> SubscribeAsync<T>(string subject, string? queueGroup = null, INatsDeserialize<T>? serializer = null, NatsSubOpts? opts = null, CancellationToken cancellationToken = default);

    /// <summary>Subscribes and returns the subscription object (explicit unsubscribe, max messages).</summary>
    ValueTask<INatsSub<T>> SubscribeCoreAsync<T>(string subject, string? queueGroup = null, INatsDeserialize<T>? serializer = null, NatsSubOpts? opts = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a request through the connection's shared inbox and waits for the first reply.
    /// </summary>
    /// <exception cref="NatsNoRespondersException">Nobody is subscribed to <paramref name="subject"/>.</exception>
    /// <exception cref="NatsRequestTimeoutException">No reply within the timeout.</exception>
    ValueTask<NatsMsg<TReply>> RequestAsync<TRequest, TReply>(string subject, TRequest data, NatsHeaders? headers = null, TimeSpan? timeout = null, INatsSerialize<TRequest>? requestSerializer = null, INatsDeserialize<TReply>? replySerializer = null, CancellationToken cancellationToken = default);

    /// <summary>A new unique inbox subject.</summary>
    string NewInbox();
}
