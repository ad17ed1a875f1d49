using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Fluo.Nats.Protocol;

namespace Fluo.Nats.JetStream;

/// <summary>
/// Asynchronous JetStream publishing for throughput: up to <see cref="NatsJSPublisherOpts.MaxInFlight"/> publishes
/// await their acks at once, each ack is matched to its <see cref="NatsJSPublishFuture"/> as it arrives.
/// </summary>
/// <remarks>
/// All acks come back on one wildcard reply subscription; each in-flight slot owns a reply subject that is reused
/// as long as its acks arrive (a slot whose ack timed out gets a fresh subject, so a late ack cannot complete the
/// wrong publish). Per message the publisher allocates only the future and its <see cref="PubAck"/>.
/// Unlike <see cref="INatsJSContext.PublishAsync{T}"/> nothing is retried: every failure is reported on its future.
/// </remarks>
public sealed class NatsJSPublisher : IAsyncDisposable
{
    private readonly NatsJSContext _js;
    private readonly NatsConnection _connection;
    private readonly string _prefix;
    private readonly long _ackTimeoutTicks;
    private readonly TimeSpan _ackTimeout;
    private readonly NatsJSPublishFuture?[] _inFlight;
    private readonly long[] _tokens;
    private readonly string[] _replyTo;
    private readonly int[] _free;
    private readonly Lock _slotLock = new();
    private readonly Lock _idleLock = new();
    private readonly Timer _sweeper;
    private int _freeCount;
    private TaskCompletionSource? _slotWaiter;
    private TaskCompletionSource? _idleWaiter;
    private Task<PubAckSub>? _sub;
    private int _pending;
    private byte[] _lastStreamBytes = [];
    private string _lastStream = string.Empty;
    private long _acked;
    private long _failed;
    private int _disposed;

    internal NatsJSPublisher(NatsJSContext js, NatsJSPublisherOpts? opts)
    {
        opts ??= new NatsJSPublisherOpts();
        ArgumentOutOfRangeException.ThrowIfLessThan(opts.MaxInFlight, 1, nameof(opts));
        _js = js;
        _connection = js.Connection as NatsConnection
            ?? throw new NotSupportedException("The asynchronous publisher needs a Fluo.Nats NatsConnection.");
        _ackTimeout = opts.AckTimeout ?? js.RequestTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_ackTimeout, TimeSpan.Zero, nameof(opts));
        _ackTimeoutTicks = (long)(_ackTimeout.TotalSeconds * Stopwatch.Frequency);
        _prefix = _connection.NewInbox() + ".";
        var size = opts.MaxInFlight;
        _inFlight = new NatsJSPublishFuture?[size];
        _tokens = new long[size];
        _replyTo = new string[size];
        _free = new int[size];
        for (var i = 0; i < size; i++)
        {
            _tokens[i] = i;
            _replyTo[i] = _prefix + i.ToString(CultureInfo.InvariantCulture);
            _free[i] = size - 1 - i;
        }

        _freeCount = size;
        var period = TimeSpan.FromTicks(Math.Clamp(_ackTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerMillisecond * 250));
        _sweeper = new Timer(static state => ((NatsJSPublisher)state!).FailExpired(), this, period, period);
    }

    /// <summary>Publishes not yet acknowledged (or failed).</summary>
    public int InFlight => Volatile.Read(ref _pending);

    /// <summary>Publishes acknowledged so far.</summary>
    public long Acked => Interlocked.Read(ref _acked);

    /// <summary>Publishes failed so far (refused, no responders, timed out).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>
    /// Publishes <paramref name="data"/> to a stream's subject and returns at once with the future of its ack;
    /// waits only while <see cref="NatsJSPublisherOpts.MaxInFlight"/> publishes are awaiting theirs.
    /// </summary>
    /// <exception cref="NatsException">The message could not be written (serialization, size, reconnect buffer full).</exception>
    public ValueTask<NatsJSPublishFuture> PublishAsync<T>(string subject, T data, NatsJSPubOpts? opts = null, NatsHeaders? headers = null, INatsSerialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (opts is { HasHeaders: true })
        {
            headers = NatsJSContext.WithPublishHeaders(headers, opts);
        }

        if (_sub is not { IsCompletedSuccessfully: true } || !TryRent(out var index))
        {
            return PublishSlowAsync(subject, data, headers, serializer, cancellationToken);
        }

        return Send(index, subject, data, headers, serializer, cancellationToken);
    }

    /// <summary>Waits until the server has received everything published so far (a PING round trip).</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => _connection.FlushAsync(cancellationToken);

    /// <summary>Waits until every publish so far has its ack or its failure (see <see cref="Failed"/>; the futures tell which).</summary>
    public async ValueTask WaitAllAsync(CancellationToken cancellationToken = default)
    {
        Task wait;
        lock (_idleLock)
        {
            if (Volatile.Read(ref _pending) == 0)
            {
                return;
            }

            _idleWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _idleWaiter.Task;
        }

        await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Unsubscribes; publishes still awaiting their ack fail with <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _sweeper.DisposeAsync().ConfigureAwait(false);
        if (_sub is { } started)
        {
            try
            {
                _connection.RemoveSubscription(await started.ConfigureAwait(false), sendUnsub: true);
            }
            catch (NatsException)
            {
                // Never subscribed: nothing to remove.
            }
        }

        for (var i = 0; i < _inFlight.Length; i++)
        {
            if (Interlocked.Exchange(ref _inFlight[i], null) is { } future)
            {
                Finish(i, future, new ObjectDisposedException(nameof(NatsJSPublisher), "The publisher was disposed before the ack arrived."), retire: true);
            }
        }
    }

    private async ValueTask<NatsJSPublishFuture> PublishSlowAsync<T>(string subject, T data, NatsHeaders? headers, INatsSerialize<T>? serializer, CancellationToken cancellationToken)
    {
        await EnsureSubscribedAsync(cancellationToken).ConfigureAwait(false);
        int index;
        while (!TryRent(out index))
        {
            Task wait;
            lock (_slotLock)
            {
                if (_freeCount > 0)
                {
                    continue;
                }

                _slotWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _slotWaiter.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return await Send(index, subject, data, headers, serializer, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask<NatsJSPublishFuture> Send<T>(int index, string subject, T data, NatsHeaders? headers, INatsSerialize<T>? serializer, CancellationToken cancellationToken)
    {
        var future = new NatsJSPublishFuture(subject, Stopwatch.GetTimestamp() + _ackTimeoutTicks);
        Interlocked.Increment(ref _pending);
        Volatile.Write(ref _inFlight[index], future);
        ValueTask written;
        try
        {
            written = _connection.PublishAsync(subject, data, headers, _replyTo[index], serializer, cancellationToken);
        }
        catch
        {
            Unsend(index, future);
            throw;
        }

        return written.IsCompletedSuccessfully ? new ValueTask<NatsJSPublishFuture>(future) : AwaitWrittenAsync(written, index, future);
    }

    private async ValueTask<NatsJSPublishFuture> AwaitWrittenAsync(ValueTask written, int index, NatsJSPublishFuture future)
    {
        try
        {
            await written.ConfigureAwait(false);
            return future;
        }
        catch
        {
            Unsend(index, future);
            throw;
        }
    }

    /// <summary>The message never went out: free its slot without completing a future nobody will see.</summary>
    private void Unsend(int index, NatsJSPublishFuture future)
    {
        if (Interlocked.CompareExchange(ref _inFlight[index], null, future) == future)
        {
            Settled();
            Release(index, retire: false);
        }
    }

    private async ValueTask EnsureSubscribedAsync(CancellationToken cancellationToken)
    {
        var sub = _sub;
        if (sub is null)
        {
            var created = _connection.AddSubscriptionAsync(sid => new PubAckSub(this, sid, _prefix), CancellationToken.None).AsTask();
            sub = Interlocked.CompareExchange(ref _sub, created, null) ?? created;
        }

        try
        {
            await sub.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (sub.IsFaulted)
        {
            // Let the next publish try again (e.g. the first connect failed).
            _ = Interlocked.CompareExchange(ref _sub, null, sub);
            throw;
        }
    }

    private bool TryRent(out int index)
    {
        lock (_slotLock)
        {
            if (_freeCount == 0)
            {
                index = -1;
                return false;
            }

            index = _free[--_freeCount];
            return true;
        }
    }

    private void Release(int index, bool retire)
    {
        if (retire)
        {
            // A reply may still come for the old subject; a new one makes it unroutable to the next publish.
            var token = _tokens[index] + _inFlight.Length;
            _tokens[index] = token;
            _replyTo[index] = _prefix + token.ToString(CultureInfo.InvariantCulture);
        }

        TaskCompletionSource? waiter;
        lock (_slotLock)
        {
            _free[_freeCount++] = index;
            waiter = _slotWaiter;
            _slotWaiter = null;
        }

        waiter?.TrySetResult();
    }

    private void Settled()
    {
        if (Interlocked.Decrement(ref _pending) != 0)
        {
            return;
        }

        TaskCompletionSource? waiter = null;
        lock (_idleLock)
        {
            if (Volatile.Read(ref _pending) == 0)
            {
                waiter = _idleWaiter;
                _idleWaiter = null;
            }
        }

        waiter?.TrySetResult();
    }

    private void Finish(int index, NatsJSPublishFuture future, Exception? error, bool retire, PubAck? ack = null)
    {
        if (error is null)
        {
            Interlocked.Increment(ref _acked);
            future.SetAck(ack!);
        }
        else
        {
            Interlocked.Increment(ref _failed);
            future.SetError(error);
        }

        // Settled before the slot is free: the publish that rents it next must not be counted while this one
        // still is, or InFlight would read MaxInFlight + 1.
        Settled();
        Release(index, retire);
    }

    /// <summary>Called on the reader loop for every reply on the publisher's inbox.</summary>
    internal void OnReply(long token, ReadOnlySpan<byte> headers, ReadOnlySpan<byte> payload, ReadOnlyMemory<byte> payloadMemory)
    {
        var index = (int)(token % _inFlight.Length);
        if (token < 0 || Volatile.Read(ref _tokens[index]) != token ||
            Volatile.Read(ref _inFlight[index]) is not { } future ||
            Interlocked.CompareExchange(ref _inFlight[index], null, future) != future)
        {
            return; // a late reply to a publish that already timed out
        }

        if (!headers.IsEmpty && ReadStatus(headers, future.Subject) is { } statusError)
        {
            Finish(index, future, statusError, retire: false);
            return;
        }

        try
        {
            NatsJSContext.ThrowIfError(payloadMemory);
            Finish(index, future, null, retire: false, ReadAck(payload));
        }
        catch (Exception ex)
        {
            // Runs on the reader loop: every failure belongs to this publish's future, none may escape.
            Finish(index, future, ex as NatsException ?? new NatsJSException($"The publish ack is not valid: {ex.Message}", ex), retire: false);
        }
    }

    private static Exception? ReadStatus(ReadOnlySpan<byte> headers, string subject)
    {
        var parsed = HeaderCodec.Parse(headers);
        return parsed.Code switch
        {
            0 or 200 => null,
            503 => new NatsNoRespondersException(subject),
            _ => new NatsJSException($"The publish to '{subject}' got status {parsed.Code} {parsed.MessageText}".TrimEnd()),
        };
    }

    private PubAck ReadAck(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string? stream = null;
        string? domain = null;
        ulong seq = 0;
        var duplicate = false;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
            {
                continue;
            }

            if (reader.ValueTextEquals("stream"u8))
            {
                reader.Read();
                stream = StreamName(reader.ValueSpan);
            }
            else if (reader.ValueTextEquals("seq"u8))
            {
                reader.Read();
                seq = reader.GetUInt64();
            }
            else if (reader.ValueTextEquals("duplicate"u8))
            {
                reader.Read();
                duplicate = reader.GetBoolean();
            }
            else if (reader.ValueTextEquals("domain"u8))
            {
                reader.Read();
                domain = reader.GetString();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return stream is null
            ? throw new NatsJSException("The publish ack names no stream.")
            : new PubAck { Stream = stream, Seq = seq, Duplicate = duplicate, Domain = domain };
    }

    /// <summary>Acks of one publisher mostly name the same stream: reuse the string (reader loop only).</summary>
    private string StreamName(ReadOnlySpan<byte> bytes)
    {
        if (!bytes.SequenceEqual(_lastStreamBytes))
        {
            _lastStream = Encoding.UTF8.GetString(bytes);
            _lastStreamBytes = bytes.ToArray();
        }

        return _lastStream;
    }

    private void FailExpired()
    {
        var now = Stopwatch.GetTimestamp();
        for (var i = 0; i < _inFlight.Length; i++)
        {
            if (Volatile.Read(ref _inFlight[i]) is { } future && future.Deadline < now &&
                Interlocked.CompareExchange(ref _inFlight[i], null, future) == future)
            {
                Finish(i, future, new NatsRequestTimeoutException(future.Subject, _ackTimeout), retire: true);
            }
        }
    }
}
