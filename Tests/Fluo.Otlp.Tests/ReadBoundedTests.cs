using System.Buffers;
using System.IO.Compression;
using Fluo.Otlp.Http;

namespace Fluo.Otlp.Tests;

/// <summary><see cref="OtlpHttp.ReadBoundedAsync"/> with pooled buffers: the bytes come back whole and every other rented buffer goes back.</summary>
public sealed class ReadBoundedTests
{
    [Theory]
    [InlineData(100, 0)]         // the smallest first buffer
    [InlineData(300_000, 0)]     // grown several times from 4 KB
    [InlineData(300_000, 300_000)] // sized by the hint at once
    public async Task A_body_within_the_limit_comes_back_whole_in_the_one_buffer_left_rented(int size, int hint)
    {
        var content = Content(size);
        var pool = new CountingPool();
        var read = await OtlpHttp.ReadBoundedAsync(new MemoryStream(content), gzip: false, maxBytes: 1_000_000, hint, pool);

        var segment = Assert.IsType<ArraySegment<byte>>(read);
        Assert.Equal(content, segment.AsSpan().ToArray());
        Assert.Equal(1, pool.Outstanding);
        pool.Return(segment.Array!);
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task A_gzip_body_is_decompressed_into_pooled_buffers()
    {
        var content = Content(200_000);
        var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(content);
        }

        compressed.Position = 0;
        var pool = new CountingPool();
        var segment = (await OtlpHttp.ReadBoundedAsync(compressed, gzip: true, maxBytes: 1_000_000, pool: pool))!.Value;
        Assert.Equal(content, segment.AsSpan().ToArray());
        Assert.Equal(1, pool.Outstanding);
    }

    [Fact]
    public async Task An_oversize_body_is_null_and_returns_every_buffer()
    {
        var pool = new CountingPool();
        Assert.Null(await OtlpHttp.ReadBoundedAsync(new MemoryStream(Content(50_000)), gzip: false, maxBytes: 20_000, pool: pool));
        Assert.Equal(0, pool.Outstanding);
        Assert.True(pool.Rented > 1);
    }

    [Fact]
    public async Task A_failed_read_returns_every_buffer()
    {
        var pool = new CountingPool();
        await Assert.ThrowsAsync<IOException>(() => OtlpHttp.ReadBoundedAsync(new BrokenStream(Content(10_000)), gzip: false, maxBytes: 100_000, pool: pool));
        Assert.Equal(0, pool.Outstanding);
        Assert.True(pool.Rented > 1);
    }

    /// <summary>Gives its bytes, then fails as a dropped connection would.</summary>
    private sealed class BrokenStream(byte[] content) : MemoryStream(content)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position < Length ? base.ReadAsync(buffer, cancellationToken) : throw new IOException("test: connection reset");
    }

    private static byte[] Content(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Counts what is rented and not yet returned; refuses an array it did not hand out.</summary>
    private sealed class CountingPool : ArrayPool<byte>
    {
        private readonly HashSet<byte[]> _out = new(ReferenceEqualityComparer.Instance);

        public int Outstanding => _out.Count;

        public int Rented { get; private set; }

        public override byte[] Rent(int minimumLength)
        {
            var array = new byte[minimumLength];
            _out.Add(array);
            Rented++;
            return array;
        }

        public override void Return(byte[] array, bool clearArray = false) => Assert.True(_out.Remove(array), "An array was returned that is not rented.");
    }
}
