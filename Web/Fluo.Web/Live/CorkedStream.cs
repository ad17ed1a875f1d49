using System.Buffers;

namespace Fluo.Web.Live;

/// <summary>
/// A WebSocket's transport that can hold writes back: between <see cref="Cork"/> and <see cref="UncorkAsync"/> the
/// frames the socket writes gather in memory and then go to the connection in one write, so a client that is behind
/// by several events gets them in one TCP send instead of one per frame (on both sides, the per-frame cost is mostly
/// the system call). The socket flushes after every frame; while corked those flushes wait for the uncork too.
/// Uncorked, every write and flush goes straight through, so a lone frame is never delayed.
/// </summary>
/// <remarks>
/// The WebSocket serialises its own writes (data, pong, keep-alive ping, close), but those from its keep-alive timer
/// may come while the send loop corks or uncorks, so the buffer and the inner writes share one gate.
/// </remarks>
public sealed class CorkedStream(Stream inner) : Stream
{
    /// <summary>Corked bytes beyond this are written out at once (a bound on memory per connection).</summary>
    public const int MaxHeldBytes = 64 * 1024;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private ArrayBufferWriter<byte>? _held;
    private volatile bool _corked;

    /// <summary>Holds writes back until <see cref="UncorkAsync"/>.</summary>
    public void Cork() => _corked = true;

    /// <summary>Writes what was held back, in one write, and lets later writes through.</summary>
    public async ValueTask UncorkAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _corked = false;
            if (await WriteHeldAsync(cancellationToken))
            {
                await inner.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_corked && (_held?.WrittenCount ?? 0) + buffer.Length <= MaxHeldBytes)
            {
                (_held ??= new ArrayBufferWriter<byte>(4096)).Write(buffer.Span);
                return;
            }

            await WriteHeldAsync(cancellationToken);
            await inner.WriteAsync(buffer, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_corked)
        {
            // The WebSocket flushes after every frame; while corked, the frame waits for UncorkAsync like the rest.
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            await WriteHeldAsync(cancellationToken);
            await inner.FlushAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    /// <inheritdoc />
    public override bool CanRead => inner.CanRead;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => inner.CanWrite;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _gate.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        _gate.Dispose();
        await base.DisposeAsync();
    }

    private async ValueTask<bool> WriteHeldAsync(CancellationToken cancellationToken)
    {
        if (_held is not { WrittenCount: > 0 } held)
        {
            return false;
        }

        await inner.WriteAsync(held.WrittenMemory, cancellationToken);
        held.ResetWrittenCount();
        return true;
    }
}
