namespace Fluo.Worker.Export;

/// <summary>
/// The export file as it is written: writers flush into <see cref="Stream"/>, and every full
/// <see cref="ChunkSize"/> bytes are cut off as a chunk (the last one may be shorter).
/// </summary>
internal sealed class ExportChunker : IDisposable
{
    /// <summary>The largest chunk: 256 KiB, which base64 in JSON keeps well under NATS's 1 MiB payload limit.</summary>
    public const int ChunkSize = 256 * 1024;

    private readonly MemoryStream _buffer = new();

    /// <summary>Where writers put the file's bytes.</summary>
    public Stream Stream => _buffer;

    /// <summary>Bytes written so far, cut or not.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>Cuts every full chunk off the buffer (all that is left when <paramref name="final"/>; at least one chunk then, even when empty).</summary>
    public List<byte[]> TakeChunks(bool final, bool firstChunkPending)
    {
        var chunks = new List<byte[]>();
        var data = _buffer.GetBuffer();
        var length = (int)_buffer.Length;
        var offset = 0;
        while (length - offset >= ChunkSize)
        {
            chunks.Add(data.AsSpan(offset, ChunkSize).ToArray());
            offset += ChunkSize;
        }

        if (final && (length > offset || (chunks.Count == 0 && firstChunkPending)))
        {
            chunks.Add(data.AsSpan(offset, length - offset).ToArray());
            offset = length;
        }

        TotalBytes += offset;
        var rest = data.AsSpan(offset, length - offset).ToArray();
        _buffer.SetLength(0);
        _buffer.Write(rest);
        return chunks;
    }

    public void Dispose() => _buffer.Dispose();
}
