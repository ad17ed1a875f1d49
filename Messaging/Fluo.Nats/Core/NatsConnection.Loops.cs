using System.Text;
using Fluo.Nats.Internal;
using Fluo.Nats.Protocol;

namespace Fluo.Nats;

public sealed partial class NatsConnection
{
    /// <summary>Makes a handshaken transport current: replays subscriptions, starts the loops, opens.</summary>
    private void Install(Transport transport, bool reconnect)
    {
        lock (_stateLock)
        {
            if (Volatile.Read(ref _disposed) == 1)
            {
                _ = transport.DisposeAsync().AsTask();
                return;
            }

            _transport = transport;
            _serverInfo = transport.Info;
            _writer.MaxPayload = transport.Info.MaxPayload;
            _pool.AddDiscovered(transport.Info.ConnectUrls);
            _pingsOut = 0;
            _writer.Attach();
            _readLoop = Task.Run(() => ReadLoopAsync(transport));
            _writeLoop = Task.Run(() => WriteLoopAsync(transport));
            _state = NatsConnectionState.Open;
            DisconnectedSince = null;
            _pingTimer ??= new Timer(static s => ((NatsConnection)s!).OnPingTimer(), this, Opts.PingInterval, Opts.PingInterval);
        }

        var server = transport.Address.ToString();
        NatsLog.Connected(_logger, server, transport.Info.Name, transport.Info.Version);
        var args = new NatsEventArgs($"Connected to {server}.", server);
        if (reconnect || _everConnected)
        {
            NatsLog.Reconnected(_logger, server, _subscriptions.Count);
            if (NatsTelemetry.Reconnects.Enabled)
            {
                NatsTelemetry.Reconnects.Add(1, new KeyValuePair<string, object?>(NatsTelemetry.MessagingSystem, "nats"));
            }

            Raise(Reconnected, args);
        }

        _everConnected = true;
        Raise(ConnectionOpened, args);
        _opened.TrySetResult();
    }

    private async Task ReadLoopAsync(Transport transport)
    {
        Exception? error = null;
        try
        {
            var needed = 0;
            while (true)
            {
                if (!await transport.ReadMoreAsync(needed, transport.Closing.Token).ConfigureAwait(false))
                {
                    error = new NatsConnectionException($"{transport.Address} closed the connection.");
                    break;
                }

                needed = ProcessFrames(transport);
                if (needed == 0)
                {
                    transport.ShrinkIfIdle();
                }
            }
        }
        catch (OperationCanceledException) when (transport.Closing.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            error = ex;
        }

        OnTransportFailed(transport, error);
    }

    /// <summary>Parses and dispatches every complete frame; returns the size of the incomplete one when known.</summary>
    private int ProcessFrames(Transport transport)
    {
        while (true)
        {
            var window = transport.Buffer.AsMemory(transport.Start, transport.End - transport.Start);
            if (!ProtocolParser.TryParse(window.Span, out var frame, out var consumed, out var needed))
            {
                return needed;
            }

            Dispatch(transport, frame, window);
            transport.Start += consumed;
        }
    }

    private void Dispatch(Transport transport, in ServerFrame frame, ReadOnlyMemory<byte> window)
    {
        switch (frame.Op)
        {
            case ServerOp.Msg:
            case ServerOp.HMsg:
                var size = frame.Subject.Length + frame.ReplyTo.Length + frame.Headers.Length + frame.Payload.Length;
                if (NatsTelemetry.ReceivedBytes.Enabled)
                {
                    NatsTelemetry.ReceivedBytes.Add(frame.Headers.Length + frame.Payload.Length, new KeyValuePair<string, object?>(NatsTelemetry.MessagingSystem, "nats"));
                    NatsTelemetry.ConsumedMessages.Add(1, new KeyValuePair<string, object?>(NatsTelemetry.MessagingSystem, "nats"));
                }

                if (_subscriptions.TryGetValue(frame.Sid, out var sub))
                {
                    sub.Receive(frame, window, size);
                }

                break;
            case ServerOp.Ping:
                _writer.Pong();
                break;
            case ServerOp.Pong:
                Volatile.Write(ref _pingsOut, 0);
                _writer.CompletePong()?.Complete();
                break;
            case ServerOp.Info:
                OnInfo(transport, transport.UpdateInfo(frame.Text));
                break;
            case ServerOp.Err:
                var text = Encoding.UTF8.GetString(frame.Text);
                NatsLog.ServerError(_logger, transport.Address.ToString(), text);
                Raise(ServerError, new NatsEventArgs(text, transport.Address.ToString()));
                break;
        }
    }

    private void OnInfo(Transport transport, NatsServerInfo info)
    {
        _serverInfo = info;
        _writer.MaxPayload = info.MaxPayload;
        _pool.AddDiscovered(info.ConnectUrls);
        if (!info.LameDuckMode)
        {
            return;
        }

        var server = transport.Address.ToString();
        NatsLog.LameDuck(_logger, server);
        Raise(LameDuckModeActivated, new NatsEventArgs($"{server} entered lame-duck mode.", server));
        if (_pool.Count > 1)
        {
            // Leave before the server starts closing clients; the reconnect tries the other servers first.
            OnTransportFailed(transport, new NatsConnectionException($"{server} entered lame-duck mode."));
        }
    }

    private async Task WriteLoopAsync(Transport transport)
    {
        // Closing the transport must wake the loop even when nothing more is ever written.
        using var wake = transport.Closing.Token.UnsafeRegister(static s => ((AsyncSignal)s!).Set(), _writer.DataAvailable);
        try
        {
            while (!transport.Closing.IsCancellationRequested)
            {
                var buffer = _writer.Take();
                if (buffer is null)
                {
                    await _writer.DataAvailable.WaitAsync().ConfigureAwait(false);
                    continue;
                }

                try
                {
                    await transport.Stream.WriteAsync(buffer.WrittenMemory, transport.Closing.Token).ConfigureAwait(false);
                }
                finally
                {
                    _writer.Return(buffer);
                }
            }
        }
        catch (OperationCanceledException) when (transport.Closing.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            OnTransportFailed(transport, ex);
        }
    }

    private void OnPingTimer()
    {
        var transport = _transport;
        if (transport is null || _state != NatsConnectionState.Open)
        {
            return;
        }

        var pingsOut = Interlocked.Increment(ref _pingsOut);
        if (pingsOut > Opts.MaxPingOut)
        {
            NatsLog.Stale(_logger, pingsOut - 1, transport.Address.ToString());
            OnTransportFailed(transport, new NatsConnectionException($"{transport.Address} did not answer {pingsOut - 1} PINGs: stale connection."));
            return;
        }

        _writer.Ping(null);
    }

    /// <summary>Tears down a lost transport (once) and starts reconnecting.</summary>
    private void OnTransportFailed(Transport transport, Exception? error)
    {
        Task previousWriter;
        lock (_stateLock)
        {
            if (!ReferenceEquals(_transport, transport) || Volatile.Read(ref _disposed) == 1)
            {
                return;
            }

            _transport = null;
            _state = NatsConnectionState.Reconnecting;
            DisconnectedSince = DateTimeOffset.UtcNow;
            _opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            previousWriter = _writeLoop;
        }

        var server = transport.Address.ToString();
        var reason = error?.Message ?? "connection closed";
        NatsLog.Disconnected(_logger, server, reason);
        _ = transport.DisposeAsync().AsTask();
        var lost = new NatsConnectionException($"The connection to {server} was lost: {reason}", error);
        foreach (var waiter in _writer.Detach())
        {
            waiter.Fail(lost);
        }

        Raise(ConnectionDisconnected, new NatsEventArgs($"Disconnected from {server}: {reason}", server));
        _ = Task.Run(() => ReconnectLoopAsync(transport.Address, previousWriter));
    }

    private async Task ReconnectLoopAsync(NatsServerAddress? lost, Task previousWriter)
    {
        // The old writer loop must be gone before a new one waits on the same signal.
        await previousWriter.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var wait = Opts.ReconnectWaitMin;
        var passes = 0;
        while (Volatile.Read(ref _disposed) == 0)
        {
            foreach (var server in _pool.Candidates(lost))
            {
                try
                {
                    var transport = await Transport.ConnectAsync(server, Opts, _disposeCts.Token).ConfigureAwait(false);
                    Install(transport, reconnect: true);
                    return;
                }
                catch (OperationCanceledException) when (_disposeCts.IsCancellationRequested)
                {
                    return;
                }
                catch (NatsException ex)
                {
                    NatsLog.ConnectFailed(_logger, server.ToString(), ex.Message);
                    Raise(ReconnectFailed, new NatsEventArgs(ex.Message, server.ToString()));
                }
            }

            passes++;
            if (Opts.MaxReconnectRetry >= 0 && passes > Opts.MaxReconnectRetry)
            {
                NatsLog.GaveUp(_logger, passes);
                await CloseAfterGivingUpAsync().ConfigureAwait(false);
                return;
            }

            var jitter = TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * Opts.ReconnectJitter.Ticks));
            try
            {
                await Task.Delay(wait + jitter, _disposeCts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, Opts.ReconnectWaitMax.Ticks));
        }
    }

    private Task CloseAfterGivingUpAsync()
    {
        var error = new NatsConnectionException($"Gave up reconnecting after {Opts.MaxReconnectRetry} failed passes over the server pool.");
        lock (_stateLock)
        {
            _state = NatsConnectionState.Closed;
        }

        foreach (var waiter in _writer.DrainPings())
        {
            waiter.Fail(error);
        }

        foreach (var sub in _subscriptions.Values)
        {
            sub.Complete(error);
        }

        _subscriptions.Clear();
        FailPendingRequests(error);
        _opened.TrySetException(error);
        return Task.CompletedTask;
    }
}
