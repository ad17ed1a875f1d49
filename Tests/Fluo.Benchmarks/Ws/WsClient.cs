using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Fluo.Benchmarks.Ws;

/// <summary>
/// A lean WebSocket client for the benchmark: the RFC 6455 upgrade (with the sign-in cookie) over a plain socket,
/// then one receive buffer that frames are parsed out of in place. A thousand of these share the machine with the web
/// process they measure, so each costs one receive call per TCP read however many frames it carries, instead of the
/// layered streams and per-frame awaits of <c>ClientWebSocket</c>. It answers pings (the gateway's keep-alive) and
/// masks what it sends, as a client must.
/// </summary>
internal sealed class WsClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Action<ReadOnlySpan<byte>> _onText;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private int _start;
    private int _end;
    private Task? _loop;

    private WsClient(Socket socket, Action<ReadOnlySpan<byte>> onText)
    {
        _socket = socket;
        _onText = onText;
    }

    /// <summary>Why the connection ended early, if it did.</summary>
    public string? Failed { get; private set; }

    /// <summary>Connects, upgrades and reads frames until <paramref name="firstTypes"/> have each arrived (in order).</summary>
    public static async Task<WsClient> ConnectAsync(Uri ws, string cookieHeader, Action<ReadOnlySpan<byte>> onText, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var host = ws.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(ws.Host);
        await socket.ConnectAsync(new IPEndPoint(host, ws.Port), ct);
        var client = new WsClient(socket, onText);
        await client.UpgradeAsync(ws, cookieHeader, ct);
        return client;
    }

    /// <summary>Sends a text frame (masked, as from any client).</summary>
    public async Task SendTextAsync(string text, CancellationToken ct)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        await SendFrameAsync(0x1, payload, ct);
    }

    /// <summary>Reads frames until one whose text contains <paramref name="type"/> as its type.</summary>
    public async Task ExpectAsync(string type, CancellationToken ct)
    {
        var marker = Encoding.UTF8.GetBytes($"\"type\":\"{type}\"");
        while (true)
        {
            var (opcode, payload) = await NextFrameAsync(ct);
            if (opcode == 0x1 && payload.AsSpan().IndexOf(marker) >= 0)
            {
                return;
            }

            if (opcode == 0x8)
            {
                throw new InvalidOperationException($"closed while waiting for '{type}'");
            }
        }
    }

    /// <summary>From now on, every text frame goes to the callback.</summary>
    public void StartReceiving() => _loop = ReceiveLoopAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var close = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(close, 1000);
            await SendFrameAsync(0x8, close, timeout.Token);
            if (_loop is not null)
            {
                await _loop.WaitAsync(timeout.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or TimeoutException or ObjectDisposedException)
        {
        }

        _socket.Dispose();
        _sendLock.Dispose();
    }

    private async Task UpgradeAsync(Uri ws, string cookieHeader, CancellationToken ct)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET {ws.PathAndQuery} HTTP/1.1\r\nHost: {ws.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nCookie: {cookieHeader}\r\n\r\n";
        await _socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, ct);
        while (true)
        {
            var end = _buffer.AsSpan(0, _end).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var head = Encoding.ASCII.GetString(_buffer, 0, end);
                if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("upgrade refused: " + head.Split("\r\n")[0]);
                }

#pragma warning disable CA5350 // RFC 6455 defines the accept key with SHA-1; it is a handshake check, not security.
                var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
                if (!head.Contains("Sec-WebSocket-Accept: " + accept, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException("bad Sec-WebSocket-Accept");
                }

                _start = end + 4;
                return;
            }

            await FillAsync(ct);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                // Every complete frame already in the buffer, then one receive for more.
                while (TryParse(out var opcode, out var payloadStart, out var payloadLength, out var frameEnd))
                {
                    switch (opcode)
                    {
                        case 0x1:
                            _onText(_buffer.AsSpan(payloadStart, payloadLength));
                            break;
                        case 0x9:
                            await SendFrameAsync(0xA, _buffer.AsSpan(payloadStart, payloadLength).ToArray(), CancellationToken.None);
                            break;
                        case 0x8:
                            var code = payloadLength >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(payloadStart)) : 1005;
                            if (code != 1000)
                            {
                                Failed = $"closed by server: {code} {Encoding.UTF8.GetString(_buffer, payloadStart + 2, Math.Max(0, payloadLength - 2))}";
                            }

                            return;
                    }

                    _start = frameEnd;
                }

                await FillAsync(CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            Failed ??= ex.Message;
        }
    }

    private async Task<(int Opcode, byte[] Payload)> NextFrameAsync(CancellationToken ct)
    {
        while (true)
        {
            if (TryParse(out var opcode, out var payloadStart, out var payloadLength, out var frameEnd))
            {
                var payload = _buffer.AsSpan(payloadStart, payloadLength).ToArray();
                _start = frameEnd;
                return (opcode, payload);
            }

            await FillAsync(ct);
        }
    }

    /// <summary>Parses the frame at the buffer's start if it is complete (server frames are never masked).</summary>
    private bool TryParse(out int opcode, out int payloadStart, out int payloadLength, out int frameEnd)
    {
        (opcode, payloadStart, payloadLength, frameEnd) = (0, 0, 0, 0);
        var available = _end - _start;
        if (available < 2)
        {
            return false;
        }

        var b0 = _buffer[_start];
        var b1 = _buffer[_start + 1];
        if ((b0 & 0x80) == 0 || (b1 & 0x80) != 0)
        {
            throw new InvalidOperationException("unexpected fragmented or masked frame from the server");
        }

        long length = b1 & 0x7F;
        var header = 2;
        if (length == 126)
        {
            if (available < 4)
            {
                return false;
            }

            length = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_start + 2));
            header = 4;
        }
        else if (length == 127)
        {
            if (available < 10)
            {
                return false;
            }

            length = (long)BinaryPrimitives.ReadUInt64BigEndian(_buffer.AsSpan(_start + 2));
            header = 10;
        }

        if (header + length > _buffer.Length)
        {
            throw new InvalidOperationException($"frame of {length} bytes exceeds the client's buffer");
        }

        if (available < header + length)
        {
            return false;
        }

        opcode = b0 & 0x0F;
        payloadStart = _start + header;
        payloadLength = (int)length;
        frameEnd = payloadStart + payloadLength;
        return true;
    }

    private async Task FillAsync(CancellationToken ct)
    {
        if (_start > 0)
        {
            // Move the partial frame to the front so the buffer has room behind it.
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct);
        if (read == 0)
        {
            throw new IOException("connection closed without a close frame");
        }

        _end += read;
    }

    private async Task SendFrameAsync(int opcode, byte[] payload, CancellationToken ct)
    {
        // The client sends only small frames (subscribe, pong, close): no 64-bit length form.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Length, ushort.MaxValue);
        var header = payload.Length < 126 ? 2 : 4;
        var frame = new byte[header + 4 + payload.Length];
        frame[0] = (byte)(0x80 | opcode);
        if (payload.Length < 126)
        {
            frame[1] = (byte)(0x80 | payload.Length);
        }
        else
        {
            frame[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
        }

        var mask = frame.AsSpan(header, 4);
        RandomNumberGenerator.Fill(mask);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[header + 4 + i] = (byte)(payload[i] ^ mask[i & 3]);
        }

        await _sendLock.WaitAsync(ct);
        try
        {
            await _socket.SendAsync(frame, SocketFlags.None, ct);
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
