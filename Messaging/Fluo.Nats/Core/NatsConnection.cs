using System.Collections.Concurrent;
using Fluo.Nats.Internal;
using Microsoft.Extensions.Logging;

namespace Fluo.Nats;

/// <summary>
/// A connection to NATS: thread-safe for any number of concurrent publishers and subscribers; reconnects on
/// its own, replays subscriptions and buffers publishes while disconnected.
/// </summary>
public sealed partial class NatsConnection : INatsConnection
{
    private readonly ConcurrentDictionary<int, NatsSubBase> _subscriptions = new();
    private readonly CommandWriter _writer;
    private readonly ServerPool _pool;
    private readonly ILogger _logger;
    private readonly Lock _stateLock = new();
    private readonly CancellationTokenSource _disposeCts = new();
    private TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _connectTask;
    private Transport? _transport;
    private Task _readLoop = Task.CompletedTask;
    private Task _writeLoop = Task.CompletedTask;
    private Timer? _pingTimer;
    private volatile NatsConnectionState _state;
    private NatsServerInfo? _serverInfo;
    private int _nextSid;
    private int _pingsOut;
    private bool _everConnected;
    private int _disposed;

    /// <summary>Creates a connection with default options (<c>nats://localhost:4222</c>).</summary>
    public NatsConnection() : this(NatsOpts.Default) { }

    /// <summary>Creates a connection; nothing is sent until <see cref="ConnectAsync"/> or the first operation.</summary>
    /// <exception cref="ArgumentException">The URL(s) cannot be parsed.</exception>
    public NatsConnection(NatsOpts opts)
    {
        ArgumentNullException.ThrowIfNull(opts);
        Opts = opts;
        _pool = new ServerPool(opts.Url, opts.NoRandomize);
        _writer = new CommandWriter(opts, _subscriptions);
        _logger = opts.LoggerFactory.CreateLogger<NatsConnection>();
        InboxPrefix = $"{opts.InboxPrefix}.{Nuid.Next()}.";
    }

    /// <inheritdoc />
    public NatsOpts Opts { get; }

    /// <inheritdoc />
    public NatsConnectionState ConnectionState => _state;

    /// <inheritdoc />
    public NatsServerInfo? ServerInfo => _serverInfo;

    /// <summary>The server currently connected to, or null.</summary>
    internal NatsServerAddress? CurrentServer => _transport?.Address;

    /// <summary>The URL of the server currently connected to, or null.</summary>
    public string? ConnectedUrl => _transport?.Address.ToString();

    /// <summary>When the current outage began; null while connected (or never connected).</summary>
    public DateTimeOffset? DisconnectedSince { get; private set; }

    /// <summary>Subscriptions currently open (including the request inbox).</summary>
    public int SubscriptionCount => _subscriptions.Count;

    /// <inheritdoc />
    public event EventHandler<NatsEventArgs>? ConnectionOpened;

    /// <inheritdoc />
    public event EventHandler<NatsEventArgs>? ConnectionDisconnected;

    /// <inheritdoc />
    public event EventHandler<NatsEventArgs>? Reconnected;

    /// <inheritdoc />
    public event EventHandler<NatsEventArgs>? ReconnectFailed;

    /// <inheritdoc />
    public event EventHandler<NatsEventArgs>? LameDuckModeActivated;

    /// <inheritdoc />
    public event EventHandler<NatsEventArgs>? SlowConsumerDetected;

    /// <inheritdoc />
    public event EventHandler<NatsMessageDroppedEventArgs>? MessageDropped;

    /// <inheritdoc />
    public event EventHandler<NatsEventArgs>? ServerError;

    /// <inheritdoc />
    public string NewInbox() => $"{Opts.InboxPrefix}.{Nuid.Next()}";

    /// <inheritdoc />
    public async ValueTask ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (_state == NatsConnectionState.Open)
        {
            return;
        }

        Task task;
        lock (_stateLock)
        {
            if (_connectTask is null || (_connectTask.IsCompleted && _state == NatsConnectionState.Closed))
            {
                _connectTask = Task.Run(ConnectFirstAsync, CancellationToken.None);
            }

            task = _connectTask;
        }

        await task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ConnectFirstAsync()
    {
        _state = NatsConnectionState.Connecting;
        DisconnectedSince ??= DateTimeOffset.UtcNow;
        Exception? last = null;
        foreach (var server in _pool.Candidates(null))
        {
            try
            {
                var transport = await Transport.ConnectAsync(server, Opts, _disposeCts.Token).ConfigureAwait(false);
                Install(transport, reconnect: false);
                return;
            }
            catch (Exception ex) when (ex is NatsException)
            {
                NatsLog.ConnectFailed(_logger, server.ToString(), ex.Message);
                last = ex;
            }
        }

        if (Opts.RetryOnInitialConnect && Volatile.Read(ref _disposed) == 0)
        {
            _state = NatsConnectionState.Reconnecting;
            _ = Task.Run(() => ReconnectLoopAsync(null, Task.CompletedTask));
            await _opened.Task.ConfigureAwait(false);
            return;
        }

        _state = NatsConnectionState.Closed;
        throw last is NatsServerException serverError
            ? new NatsServerException(serverError.ServerError)
            : new NatsConnectionException($"Could not connect to any NATS server ({Opts.Url.Split('@')[^1]}): {last?.Message}", last);
    }

    /// <summary>Connected or buffering: operations may proceed; otherwise connect first.</summary>
    private ValueTask EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        var state = _state;
        if (state is NatsConnectionState.Open or NatsConnectionState.Reconnecting)
        {
            return default;
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        return ConnectAsync(cancellationToken);
    }

    private void Raise<TArgs>(EventHandler<TArgs>? handler, TArgs args)
    {
        if (handler is null)
        {
            return;
        }

        // Handlers run off the reader loop so a slow handler cannot stall the connection.
        ThreadPool.UnsafeQueueUserWorkItem(state =>
        {
            try
            {
                state.handler(this, state.args);
            }
            catch (Exception ex)
            {
                NatsLog.HandlerFailed(_logger, ex);
            }
        }, (handler, args), preferLocal: false);
    }

    internal void OnMessageDropped(NatsSubBase sub, string subject, int pending, long totalDropped, bool firstOfEpisode)
    {
        if (NatsTelemetry.DroppedMessages.Enabled)
        {
            NatsTelemetry.DroppedMessages.Add(1, new KeyValuePair<string, object?>(NatsTelemetry.MessagingSystem, "nats"));
        }

        if (firstOfEpisode)
        {
            NatsLog.SlowConsumer(_logger, sub.Subject, pending);
            Raise(SlowConsumerDetected, new NatsEventArgs($"The subscription to '{sub.Subject}' is full ({pending} pending) and drops messages.", ConnectedUrl));
        }

        Raise(MessageDropped, new NatsMessageDroppedEventArgs(subject, sub.Subject, pending, totalDropped));
    }

    /// <summary>
    /// Drains: unsubscribes everything, waits (up to <see cref="NatsOpts.DrainTimeout"/>) until the server has
    /// processed all pending writes, then closes the socket and completes every subscription.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_state == NatsConnectionState.Open)
        {
            foreach (var sid in _subscriptions.Keys)
            {
                _writer.Unsubscribe(sid, sendUnsub: true);
            }

            try
            {
                var waiter = new PingWaiter();
                _writer.Ping(waiter);
                await waiter.Task.WaitAsync(Opts.DrainTimeout).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or NatsException)
            {
                // Drain is best effort: the socket is closed either way.
            }
        }

        await _disposeCts.CancelAsync().ConfigureAwait(false);
        Transport? transport;
        lock (_stateLock)
        {
            transport = _transport;
            _transport = null;
            _state = NatsConnectionState.Closed;
        }

        if (_pingTimer is not null)
        {
            await _pingTimer.DisposeAsync().ConfigureAwait(false);
        }

        _writer.Detach();
        if (transport is not null)
        {
            await transport.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_readLoop, _writeLoop).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
        var closed = new NatsConnectionException("The connection was disposed.");
        foreach (var waiter in _writer.DrainPings())
        {
            waiter.Fail(closed);
        }

        foreach (var sub in _subscriptions.Values)
        {
            sub.Complete();
        }

        _subscriptions.Clear();
        FailPendingRequests(closed);
        _opened.TrySetException(closed);
        _disposeCts.Dispose();
    }
}
