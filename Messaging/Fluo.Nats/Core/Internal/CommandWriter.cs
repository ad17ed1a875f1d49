using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text;

namespace Fluo.Nats.Internal;

/// <summary>
/// Everything the client sends goes through here: frames are appended to a pending buffer under one short
/// lock (a memory copy, no I/O), and a single writer loop per socket swaps the buffer out and writes it in
/// one call, so concurrent publishers batch naturally. While no socket is attached the same buffer is the
/// bounded reconnect buffer. The subscription table is changed under the same lock so that the SUBs
/// replayed on reconnect and the SUBs written afterwards never overlap or miss each other.
/// </summary>
internal sealed class CommandWriter
{
    private readonly Lock _lock = new();
    private readonly NatsOpts _opts;
    private readonly ConcurrentDictionary<int, NatsSubBase> _subscriptions;
    private readonly Queue<PingWaiter?> _pings = new();
    private ArrayBufferWriter<byte> _pending = new(64 * 1024);
    private ArrayBufferWriter<byte>? _spare = new(64 * 1024);
    private int _pingsInPending;
    private int _pingsSent;
    private bool _attached;
    private TaskCompletionSource? _spaceWaiter;

    public CommandWriter(NatsOpts opts, ConcurrentDictionary<int, NatsSubBase> subscriptions)
    {
        _opts = opts;
        _subscriptions = subscriptions;
    }

    /// <summary>Signalled whenever something is appended; the writer loop waits on it.</summary>
    public AsyncSignal DataAvailable { get; } = new();

    /// <summary>The server's limit for headers plus payload.</summary>
    public long MaxPayload { get; set; } = 1024 * 1024;

    public int PendingBytes
    {
        get
        {
            lock (_lock)
            {
                return _pending.WrittenCount;
            }
        }
    }

    /// <summary>
    /// Appends PUB or HPUB. <paramref name="body"/> holds the header block (first <paramref name="headerLength"/>
    /// bytes, or none) followed by the payload. Returns false when the socket buffer is full and the caller must
    /// wait with <see cref="WhenSpaceAsync"/>.
    /// </summary>
    /// <exception cref="NatsPayloadTooLargeException">Headers plus payload exceed the server's max_payload.</exception>
    /// <exception cref="NatsReconnectBufferFullException">Disconnected and the reconnect buffer is full.</exception>
    public bool TryWritePublish(string subject, string? replyTo, ReadOnlySpan<byte> body, int headerLength)
    {
        if (body.Length > MaxPayload)
        {
            throw new NatsPayloadTooLargeException(body.Length, MaxPayload);
        }

        var frameLength = 6 + 2 * (subject.Length + (replyTo?.Length ?? 0)) + 26 + body.Length + 4;
        lock (_lock)
        {
            var pending = _pending.WrittenCount;
            if (_attached)
            {
                if (pending > 0 && pending + frameLength > _opts.WriterBufferSize)
                {
                    return false;
                }
            }
            else if (pending + frameLength > _opts.ReconnectBufferSize)
            {
                throw new NatsReconnectBufferFullException(_opts.ReconnectBufferSize);
            }

            var span = _pending.GetSpan(frameLength + subject.Length * 2);
            int position;
            if (headerLength > 0)
            {
                "HPUB "u8.CopyTo(span);
                position = 5;
            }
            else
            {
                "PUB "u8.CopyTo(span);
                position = 4;
            }

            position += Encoding.UTF8.GetBytes(subject, span[position..]);
            span[position++] = (byte)' ';
            if (replyTo is not null)
            {
                position += Encoding.UTF8.GetBytes(replyTo, span[position..]);
                span[position++] = (byte)' ';
            }

            if (headerLength > 0)
            {
                Utf8Formatter.TryFormat(headerLength, span[position..], out var written);
                position += written;
                span[position++] = (byte)' ';
            }

            Utf8Formatter.TryFormat(body.Length, span[position..], out var lengthWritten);
            position += lengthWritten;
            span[position++] = (byte)'\r';
            span[position++] = (byte)'\n';
            body.CopyTo(span[position..]);
            position += body.Length;
            span[position++] = (byte)'\r';
            span[position++] = (byte)'\n';
            _pending.Advance(position);
        }

        DataAvailable.Set();
        return true;
    }

    /// <summary>Registers the subscription and sends SUB (and UNSUB max) when connected; replayed on reconnect otherwise.</summary>
    public void Subscribe(NatsSubBase sub)
    {
        lock (_lock)
        {
            _subscriptions[sub.Sid] = sub;
            if (_attached)
            {
                WriteSub(_pending, sub);
            }
        }

        DataAvailable.Set();
    }

    /// <summary>Removes the subscription and sends UNSUB when connected (and asked to).</summary>
    public bool Unsubscribe(int sid, bool sendUnsub)
    {
        bool removed;
        lock (_lock)
        {
            removed = _subscriptions.TryRemove(sid, out _);
            if (removed && sendUnsub && _attached)
            {
                WriteUnsub(_pending, sid, null);
            }
        }

        if (removed)
        {
            DataAvailable.Set();
        }

        return removed;
    }

    /// <summary>Queues a PING; <paramref name="waiter"/> (null for the client's own keep-alive) gets the PONG.</summary>
    public void Ping(PingWaiter? waiter)
    {
        lock (_lock)
        {
            _pending.Write("PING\r\n"u8);
            _pings.Enqueue(waiter);
            _pingsInPending++;
        }

        DataAvailable.Set();
    }

    /// <summary>Answers a server PING.</summary>
    public void Pong()
    {
        lock (_lock)
        {
            _pending.Write("PONG\r\n"u8);
        }

        DataAvailable.Set();
    }

    /// <summary>Matches a PONG with the oldest PING sent; returns its waiter (null for keep-alives).</summary>
    public PingWaiter? CompletePong()
    {
        lock (_lock)
        {
            if (_pingsSent == 0 || _pings.Count == 0)
            {
                return null;
            }

            _pingsSent--;
            return _pings.Dequeue();
        }
    }

    /// <summary>Takes everything pending for the socket; null when there is nothing. Return the buffer after writing it.</summary>
    public ArrayBufferWriter<byte>? Take()
    {
        TaskCompletionSource? spaceWaiter;
        ArrayBufferWriter<byte> taken;
        lock (_lock)
        {
            if (!_attached || _pending.WrittenCount == 0)
            {
                return null;
            }

            taken = _pending;
            _pending = _spare ?? new ArrayBufferWriter<byte>(64 * 1024);
            _spare = null;
            _pingsSent += _pingsInPending;
            _pingsInPending = 0;
            spaceWaiter = _spaceWaiter;
            _spaceWaiter = null;
        }

        spaceWaiter?.TrySetResult();
        return taken;
    }

    /// <summary>Gives a written buffer back for reuse.</summary>
    public void Return(ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        lock (_lock)
        {
            _spare ??= buffer;
        }
    }

    /// <summary>Completes when the writer loop has taken the pending buffer (or the socket went away).</summary>
    public Task WhenSpaceAsync()
    {
        lock (_lock)
        {
            // Take() hands the whole buffer to the socket, so "room" means the pending buffer was taken.
            if (!_attached || _pending.WrittenCount == 0)
            {
                return Task.CompletedTask;
            }

            _spaceWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _spaceWaiter.Task;
        }
    }

    /// <summary>
    /// Called once a new socket finished its handshake: puts SUBs for every live subscription in front of what
    /// was buffered while disconnected and lets the writer loop send.
    /// </summary>
    public void Attach()
    {
        lock (_lock)
        {
            var replay = new ArrayBufferWriter<byte>(Math.Max(1024, _pending.WrittenCount + _subscriptions.Count * 64));
            foreach (var sub in _subscriptions.Values)
            {
                WriteSub(replay, sub);
            }

            replay.Write(_pending.WrittenSpan);
            _pending = replay;
            _attached = true;
        }

        DataAvailable.Set();
    }

    /// <summary>Called when the socket is lost: returns the waiters of PINGs that went out on it (they will never get a PONG).</summary>
    public List<PingWaiter> Detach()
    {
        var lost = new List<PingWaiter>();
        TaskCompletionSource? spaceWaiter;
        lock (_lock)
        {
            _attached = false;
            for (var i = 0; i < _pingsSent && _pings.Count > 0; i++)
            {
                if (_pings.Dequeue() is { } waiter)
                {
                    lost.Add(waiter);
                }
            }

            _pingsSent = 0;
            spaceWaiter = _spaceWaiter;
            _spaceWaiter = null;
        }

        spaceWaiter?.TrySetResult();
        DataAvailable.Set();
        return lost;
    }

    /// <summary>Fails every waiting PING (connection closed for good).</summary>
    public List<PingWaiter> DrainPings()
    {
        lock (_lock)
        {
            var all = new List<PingWaiter>();
            while (_pings.Count > 0)
            {
                if (_pings.Dequeue() is { } waiter)
                {
                    all.Add(waiter);
                }
            }

            _pingsSent = 0;
            _pingsInPending = 0;
            return all;
        }
    }

    private static void WriteSub(ArrayBufferWriter<byte> buffer, NatsSubBase sub)
    {
        var span = buffer.GetSpan(4 + 3 * (sub.Subject.Length + (sub.QueueGroup?.Length ?? 0)) + 16);
        "SUB "u8.CopyTo(span);
        var position = 4;
        position += Encoding.UTF8.GetBytes(sub.Subject, span[position..]);
        span[position++] = (byte)' ';
        if (sub.QueueGroup is not null)
        {
            position += Encoding.UTF8.GetBytes(sub.QueueGroup, span[position..]);
            span[position++] = (byte)' ';
        }

        Utf8Formatter.TryFormat(sub.Sid, span[position..], out var written);
        position += written;
        span[position++] = (byte)'\r';
        span[position++] = (byte)'\n';
        buffer.Advance(position);
        if (sub.MaxMsgs is { } max)
        {
            WriteUnsub(buffer, sub.Sid, (int)Math.Max(1, max - sub.Delivered));
        }
    }

    private static void WriteUnsub(ArrayBufferWriter<byte> buffer, int sid, int? max)
    {
        var span = buffer.GetSpan(32);
        "UNSUB "u8.CopyTo(span);
        var position = 6;
        Utf8Formatter.TryFormat(sid, span[position..], out var written);
        position += written;
        if (max is { } m)
        {
            span[position++] = (byte)' ';
            Utf8Formatter.TryFormat(m, span[position..], out written);
            position += written;
        }

        span[position++] = (byte)'\r';
        span[position++] = (byte)'\n';
        buffer.Advance(position);
    }
}
