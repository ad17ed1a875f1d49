using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Fluo.Web.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fluo.Web.Tests;

/// <summary>The transport that coalesces a client's queued frames, the outbox that drains through it, and the scheduler of drains.</summary>
public sealed class CorkedStreamTests
{
    [Fact]
    public async Task Uncorked_writes_and_flushes_go_straight_through()
    {
        var inner = new RecordingStream();
        await using var stream = new CorkedStream(inner);
        await stream.WriteAsync("ab"u8.ToArray());
        await stream.WriteAsync("cd"u8.ToArray());
        await stream.FlushAsync();
        Assert.Equal(["ab", "cd"], inner.Writes);
        Assert.Equal(1, inner.Flushes);
    }

    [Fact]
    public async Task Corked_writes_and_flushes_wait_for_the_uncork_then_go_out_as_one_write()
    {
        var inner = new RecordingStream();
        await using var stream = new CorkedStream(inner);
        stream.Cork();
        await stream.WriteAsync("ab"u8.ToArray());
        await stream.FlushAsync();
        await stream.WriteAsync("cd"u8.ToArray());
        await stream.FlushAsync();
        Assert.Empty(inner.Writes);
        Assert.Equal(0, inner.Flushes);

        await stream.UncorkAsync();
        Assert.Equal(["abcd"], inner.Writes);
        Assert.Equal(1, inner.Flushes);

        // Nothing held: the next uncork writes nothing, and writes pass through again.
        stream.Cork();
        await stream.UncorkAsync();
        await stream.WriteAsync("ef"u8.ToArray());
        Assert.Equal(["abcd", "ef"], inner.Writes);
        Assert.Equal(1, inner.Flushes);
    }

    [Fact]
    public async Task Corked_bytes_beyond_the_limit_are_written_out_in_order()
    {
        var inner = new RecordingStream();
        await using var stream = new CorkedStream(inner);
        stream.Cork();
        var chunk = new string('x', CorkedStream.MaxHeldBytes / 2 + 1);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(chunk));
        await stream.WriteAsync(Encoding.ASCII.GetBytes(chunk.Replace('x', 'y')));
        await stream.WriteAsync("z"u8.ToArray());

        // The second chunk did not fit: what was held went out, then the chunk itself; 'z' is held again.
        Assert.Equal([chunk, chunk.Replace('x', 'y')], inner.Writes);
        await stream.UncorkAsync();
        Assert.Equal([chunk, chunk.Replace('x', 'y'), "z"], inner.Writes);
    }

    [Fact]
    public async Task Frames_queued_while_a_write_is_blocked_go_out_together_and_in_order()
    {
        var inner = new RecordingStream { Gate = new TaskCompletionSource() };
        var transport = new CorkedStream(inner);
        using var socket = WebSocket.CreateFromStream(transport, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = Timeout.InfiniteTimeSpan });
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var outbox = new LiveOutbox(socket, transport, capacity: 100, new LiveMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), NullLogger.Instance);

        // The first frame's write blocks (a client whose TCP window is full); 49 more queue behind it.
        Assert.Equal(Queued.NeedsDrain, outbox.Enqueue(Frame(0)));
        outbox.Drain();
        for (var i = 1; i < 50; i++)
        {
            Assert.Equal(Queued.Behind, outbox.Enqueue(Frame(i)));
        }

        inner.Gate.SetResult();
        Assert.True(outbox.Close(WebSocketCloseStatus.NormalClosure, "done"));
        Assert.True(await outbox.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(Queued.Closed, outbox.Enqueue(Frame(99)));

        // One write for the first frame, one for the 49 queued behind it, one for the close frame.
        Assert.Equal(3, inner.Writes.Count);
        var received = await DecodeAsync(inner.Bytes);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"frame {i}"), received);
    }

    [Fact]
    public async Task A_socket_written_to_within_the_coalescing_window_gets_its_next_frames_together_when_the_window_ends()
    {
        var inner = new RecordingStream();
        var transport = new CorkedStream(inner);
        using var socket = WebSocket.CreateFromStream(transport, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = Timeout.InfiniteTimeSpan });
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var outbox = new LiveOutbox(socket, transport, capacity: 100, new LiveMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), NullLogger.Instance);
        using var scheduler = new LiveSendScheduler(TimeSpan.FromMilliseconds(300));

        // A quiet socket is written to at once.
        Assert.Equal(Queued.NeedsDrain, outbox.Enqueue(Frame(0)));
        scheduler.Schedule([outbox]);
        await WaitForAsync(() => inner.Writes.Count == 1);

        // Written to just now: the next frames wait for the end of the window, then go out in one write. The wait is
        // timed between the writes themselves: a loaded machine may hold this thread back past the window.
        Assert.Equal(Queued.NeedsDrain, outbox.Enqueue(Frame(1)));
        scheduler.Schedule([outbox]);
        Assert.Equal(Queued.Behind, outbox.Enqueue(Frame(2)));
        await WaitForAsync(() => inner.Writes.Count == 2);
        Assert.Contains("frame 1", inner.Writes[1], StringComparison.Ordinal);
        Assert.Contains("frame 2", inner.Writes[1], StringComparison.Ordinal);
        var gap = Stopwatch.GetElapsedTime(inner.WriteTimes[0], inner.WriteTimes[1]);
        Assert.True(gap >= TimeSpan.FromMilliseconds(250), $"The second write came {gap.TotalMilliseconds:F0} ms after the first, within the 300 ms window.");
        Assert.True(outbox.Close(WebSocketCloseStatus.NormalClosure, "done"));
        Assert.True(await outbox.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(["frame 0", "frame 1", "frame 2"], await DecodeAsync(inner.Bytes));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    [Fact]
    public void A_full_outbox_refuses_frames()
    {
        using var socket = WebSocket.CreateFromStream(new RecordingStream { Gate = new TaskCompletionSource() }, new WebSocketCreationOptions { IsServer = true });
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var outbox = new LiveOutbox(socket, null, capacity: 2, new LiveMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), NullLogger.Instance);
        Assert.Equal(Queued.NeedsDrain, outbox.Enqueue(Frame(0)));
        Assert.Equal(Queued.Behind, outbox.Enqueue(Frame(1)));
        Assert.Equal(Queued.Full, outbox.Enqueue(Frame(2)));
    }

    private static byte[] Frame(int i) => Encoding.UTF8.GetBytes($"frame {i}");

    /// <summary>Reads the server's frames back with a client WebSocket.</summary>
    private static async Task<List<string>> DecodeAsync(byte[] bytes)
    {
        using var client = WebSocket.CreateFromStream(new MemoryStream(bytes), new WebSocketCreationOptions { IsServer = false });
        var texts = new List<string>();
        var buffer = new byte[1024];
        while (true)
        {
            var result = await client.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return texts;
            }

            texts.Add(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }
    }

    /// <summary>Records each write as one entry; with a gate, the first write waits until it opens.</summary>
    private sealed class RecordingStream : Stream
    {
        private readonly MemoryStream _all = new();

        public TaskCompletionSource? Gate { get; init; }

        public IReadOnlyList<string> Writes { get; private set; } = [];

        /// <summary>When each of <see cref="Writes"/> happened (<see cref="Stopwatch"/> timestamps).</summary>
        public IReadOnlyList<long> WriteTimes { get; private set; } = [];

        public int Flushes { get; private set; }

        public byte[] Bytes => _all.ToArray();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var copy = buffer.ToArray();
            if (Gate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            lock (_all)
            {
                Writes = [.. Writes, Encoding.UTF8.GetString(copy)];
                WriteTimes = [.. WriteTimes, Stopwatch.GetTimestamp()];
                _all.Write(copy);
            }
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flushes++;
            return Task.CompletedTask;
        }

        public override void Flush() => Flushes++;

        public override int Read(byte[] buffer, int offset, int count) => 0;

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
