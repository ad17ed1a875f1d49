using System.Buffers;
using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fluo.Benchmarks.Cli;

/// <summary>
/// A lean HTTP/1.1 client for the load loops of <c>ingest</c>: one keep-alive connection over a plain socket, used by
/// one loop at a time (no pipelining). Each request goes out in one send from a reused buffer, and the response
/// (status line, headers, and a body framed by <c>Content-Length</c>, <c>Transfer-Encoding: chunked</c> or the end of
/// the connection) is parsed in place from one reused receive buffer. Sixty-four of these share two cores with the
/// system they measure, so they skip the handler pipeline, header collections and content streams of
/// <c>HttpClient</c>. Honours <c>Connection: close</c>, and reconnects once, transparently, when the server had closed
/// an idle connection before the request reached it. A response it cannot frame is an <see cref="HttpLoadException"/>
/// (and the connection is dropped), never a guess.
/// </summary>
internal sealed class HttpLoadClient : IDisposable
{
    private const int MaxHead = 16 * 1024;
    private readonly Uri _server;
    private readonly byte[] _prefix;
    private readonly byte[] _buffer = new byte[MaxHead + 4096];
    private readonly TimeSpan _timeout;
    private byte[] _request = new byte[4096];
    private CancellationTokenSource _deadline = new();
    private Socket? _socket;
    private int _start;
    private int _end;
    private bool _responseStarted;

    /// <summary>A client for <paramref name="server"/> (scheme <c>http</c>); it connects on the first request.</summary>
    public HttpLoadClient(Uri server, TimeSpan? timeout = null)
    {
        _server = server;
        _timeout = timeout ?? TimeSpan.FromSeconds(100);
        _prefix = Encoding.ASCII.GetBytes($"Host: {server.Authority}\r\nContent-Type: application/json\r\nContent-Length: ");
    }

    /// <summary>Connections opened so far (the first, and each reconnect).</summary>
    public int Connects { get; private set; }

    /// <summary>
    /// Posts <paramref name="json"/> to <paramref name="path"/> and reads the whole response. Returns its status code;
    /// its body goes to <paramref name="body"/> if given (de-chunked), else is skipped without a copy. A
    /// <paramref name="traceParent"/> is sent as the W3C <c>traceparent</c> header, so the server's spans join that trace.
    /// </summary>
    public async ValueTask<int> PostAsync(string path, ReadOnlyMemory<byte> json, IBufferWriter<byte>? body, string? traceParent, CancellationToken ct)
    {
        var length = WriteRequest(path, json.Span, traceParent);
        _deadline.CancelAfter(_timeout);
        using var link = ct.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _deadline);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var reused = _socket is not null;
                try
                {
                    _socket ??= await ConnectAsync(_deadline.Token);
                    _responseStarted = false;
                    for (var sent = 0; sent < length;)
                    {
                        sent += await _socket.SendAsync(_request.AsMemory(sent, length - sent), SocketFlags.None, _deadline.Token);
                    }

                    return await ReadResponseAsync(body, _deadline.Token);
                }
                catch (Exception ex) when (reused && attempt == 0 && !_responseStarted && ex is SocketException or ConnectionEndedException)
                {
                    // The server closed the idle connection before it saw this request (its FIN or RST was on the way):
                    // nothing was processed, so sending it again on a fresh connection is safe.
                    Close();
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Close();
            throw new HttpLoadException($"no complete response from {_server} within {_timeout.TotalSeconds:F0} s");
        }
        catch (ConnectionEndedException ex)
        {
            Close();
            throw new HttpLoadException(ex.Message);
        }
        catch
        {
            Close();
            throw;
        }
        finally
        {
            if (!_deadline.TryReset())
            {
                _deadline.Dispose();
                _deadline = new CancellationTokenSource();
            }
        }
    }

    /// <summary>Posts as part of the trace <paramref name="traceParent"/> and returns the status code, skipping the body.</summary>
    public ValueTask<int> PostAsync(string path, ReadOnlyMemory<byte> json, string traceParent, CancellationToken ct) => PostAsync(path, json, null, traceParent, ct);

    public void Dispose()
    {
        Close();
        _deadline.Dispose();
    }

    private int WriteRequest(string path, ReadOnlySpan<byte> json, string? traceParent)
    {
        var length = 5 + path.Length + 11 + (traceParent is null ? 0 : 15 + traceParent.Length) + _prefix.Length + 10 + 4 + json.Length;
        if (_request.Length < length)
        {
            _request = new byte[Math.Max(length, _request.Length * 2)];
        }

        var span = _request.AsSpan();
        var at = 0;
        "POST "u8.CopyTo(span);
        at += 5;
        at += Encoding.ASCII.GetBytes(path, span[at..]);
        " HTTP/1.1\r\n"u8.CopyTo(span[at..]);
        at += 11;
        if (traceParent is not null)
        {
            "traceparent: "u8.CopyTo(span[at..]);
            at += 13;
            at += Encoding.ASCII.GetBytes(traceParent, span[at..]);
            "\r\n"u8.CopyTo(span[at..]);
            at += 2;
        }

        _prefix.CopyTo(span[at..]);
        at += _prefix.Length;
        Utf8Formatter.TryFormat(json.Length, span[at..], out var digits);
        at += digits;
        "\r\n\r\n"u8.CopyTo(span[at..]);
        at += 4;
        json.CopyTo(span[at..]);
        return at + json.Length;
    }

    private async Task<Socket> ConnectAsync(CancellationToken ct)
    {
        EndPoint endPoint = _server.Host == "localhost" ? new IPEndPoint(IPAddress.Loopback, _server.Port)
            : IPAddress.TryParse(_server.Host, out var ip) ? new IPEndPoint(ip, _server.Port)
            : new DnsEndPoint(_server.Host, _server.Port);
        var socket = endPoint is IPEndPoint ipEndPoint
            ? new Socket(ipEndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        socket.NoDelay = true;
        try
        {
            await socket.ConnectAsync(endPoint, ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        Connects++;
        _start = _end = 0;
        return socket;
    }

    private void Close()
    {
        _socket?.Dispose();
        _socket = null;
        _start = _end = 0;
    }

    private async Task<int> ReadResponseAsync(IBufferWriter<byte>? body, CancellationToken ct)
    {
        Head head;
        while (true)
        {
            int headEnd;
            while ((headEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
            {
                if (_end - _start >= MaxHead)
                {
                    throw new HttpLoadException($"response head longer than {MaxHead} bytes");
                }

                await FillAsync(ct);
            }

            head = ParseHead(_buffer.AsSpan(_start, headEnd + 2));
            _start += headEnd + 4;
            if (head.Status is >= 100 and < 200 and not 101)
            {
                continue; // an interim response (100 Continue, 103 Early Hints): the real one follows
            }

            break;
        }

        if (head.Status == 101)
        {
            throw new HttpLoadException("unexpected 101 Switching Protocols");
        }

        if (head.Status is 204 or 304)
        {
            // No body whatever the headers say.
        }
        else if (head.Chunked)
        {
            await ReadChunkedAsync(body, ct);
        }
        else if (head.ContentLength >= 0)
        {
            await CopyAsync(head.ContentLength, body, ct);
        }
        else
        {
            await ReadToEndAsync(body, ct);
            head = head with { Close = true };
        }

        if (head.Close)
        {
            Close();
        }
        else if (_start != _end)
        {
            throw new HttpLoadException($"{_end - _start} bytes after the end of the response");
        }

        return head.Status;
    }

    private static Head ParseHead(ReadOnlySpan<byte> head)
    {
        // Status line: HTTP/1.x SP 3DIGIT SP reason.
        var lineEnd = head.IndexOf("\r\n"u8);
        var line = head[..lineEnd];
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || !char.IsAsciiDigit((char)line[7]) || line[8] != (byte)' ' ||
            !char.IsAsciiDigit((char)line[9]) || !char.IsAsciiDigit((char)line[10]) || !char.IsAsciiDigit((char)line[11]) ||
            (line.Length > 12 && line[12] != (byte)' '))
        {
            throw new HttpLoadException($"malformed status line '{Printable(line)}'");
        }

        var status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
        var http10 = line[7] == (byte)'0';
        var close = false;
        var keepAlive = false;
        long contentLength = -1;
        var chunked = false;
        var transferEncoding = false;
        for (var rest = head[(lineEnd + 2)..]; !rest.IsEmpty;)
        {
            lineEnd = rest.IndexOf("\r\n"u8);
            line = rest[..lineEnd];
            rest = rest[(lineEnd + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[0] is (byte)' ' or (byte)'\t' || line[colon - 1] is (byte)' ' or (byte)'\t')
            {
                throw new HttpLoadException($"malformed header line '{Printable(line)}'");
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long parsed, out var used) || used != value.Length || parsed < 0 ||
                    (contentLength >= 0 && contentLength != parsed))
                {
                    throw new HttpLoadException($"bad Content-Length '{Printable(value)}'");
                }

                contentLength = parsed;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                // Only the last coding frames the message, and it must be chunked (else the body would end at close,
                // which the client does not guess at).
                transferEncoding = true;
                var last = value[(value.LastIndexOf((byte)',') + 1)..].Trim(" \t"u8);
                chunked = Ascii.EqualsIgnoreCase(last, "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                foreach (var range in value.Split((byte)','))
                {
                    var token = value[range].Trim(" \t"u8);
                    close |= Ascii.EqualsIgnoreCase(token, "close"u8);
                    keepAlive |= Ascii.EqualsIgnoreCase(token, "keep-alive"u8);
                }
            }
        }

        if (transferEncoding && !chunked)
        {
            throw new HttpLoadException("Transfer-Encoding without chunked as the final coding");
        }

        // HTTP/1.0 closes unless it says keep-alive. A message with both framings is suspect (RFC 9112 6.3): chunked
        // frames it, and the connection is not reused after it.
        close |= (http10 && !keepAlive) || (chunked && contentLength >= 0);
        return new Head(status, chunked ? -1 : contentLength, chunked, close);
    }

    private async Task ReadChunkedAsync(IBufferWriter<byte>? body, CancellationToken ct)
    {
        while (true)
        {
            var size = ChunkSize((await ReadLineAsync(ct)).Span);
            if (size == 0)
            {
                // Trailer fields, each a line, up to an empty line. They are not needed here.
                while ((await ReadLineAsync(ct)).Length > 0)
                {
                }

                return;
            }

            await CopyAsync(size, body, ct);
            if ((await ReadLineAsync(ct)).Length != 0)
            {
                throw new HttpLoadException("chunk data longer than its size");
            }
        }
    }

    /// <summary>Parses <c>chunk-size [ chunk-ext ]</c>, where chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] ).</summary>
    private static long ChunkSize(ReadOnlySpan<byte> line)
    {
        var size = 0L;
        var digits = 0;
        for (; digits < line.Length && char.IsAsciiHexDigit((char)line[digits]); digits++)
        {
            if (digits == 15)
            {
                throw new HttpLoadException("chunk size too large");
            }

            size = (size << 4) | (long)HexValue(line[digits]);
        }

        if (digits == 0 || (digits < line.Length && line[digits] is not ((byte)';' or (byte)' ' or (byte)'\t')))
        {
            throw new HttpLoadException($"malformed chunk size line '{Printable(line)}'");
        }

        return size;
    }

    /// <summary>The next CRLF-terminated line (without the CRLF), consumed; valid until the next read.</summary>
    private async ValueTask<Memory<byte>> ReadLineAsync(CancellationToken ct)
    {
        int end;
        while ((end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
        {
            if (_end - _start >= MaxHead)
            {
                throw new HttpLoadException($"line longer than {MaxHead} bytes in a chunked body");
            }

            await FillAsync(ct);
        }

        var line = _buffer.AsMemory(_start, end);
        _start += end + 2;
        return line;
    }

    private async ValueTask CopyAsync(long count, IBufferWriter<byte>? body, CancellationToken ct)
    {
        while (count > 0)
        {
            if (_start == _end)
            {
                await FillAsync(ct);
            }

            var take = (int)Math.Min(count, _end - _start);
            body?.Write(_buffer.AsSpan(_start, take));
            _start += take;
            count -= take;
        }
    }

    private async ValueTask ReadToEndAsync(IBufferWriter<byte>? body, CancellationToken ct)
    {
        while (true)
        {
            body?.Write(_buffer.AsSpan(_start, _end - _start));
            _start = _end;
            try
            {
                await FillAsync(ct);
            }
            catch (ConnectionEndedException)
            {
                return;
            }
        }
    }

    private async ValueTask FillAsync(CancellationToken ct)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_start > 0 && _end == _buffer.Length)
        {
            // Move the unread part to the front so the buffer has room behind it.
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        var read = await _socket!.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct);
        if (read == 0)
        {
            throw new ConnectionEndedException(_responseStarted ? "connection closed in the middle of a response" : "connection closed before a response");
        }

        _responseStarted = true;
        _end += read;
    }

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.ASCII.GetString(bytes[..Math.Min(bytes.Length, 80)]);
        return string.Create(text.Length, text, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsControl(s[i]) ? '?' : s[i];
            }
        });
    }

    private readonly record struct Head(int Status, long ContentLength, bool Chunked, bool Close);

    private sealed class ConnectionEndedException(string message) : IOException(message);
}

/// <summary>A response the <see cref="HttpLoadClient"/> could not read: malformed, cut short, or too slow.</summary>
internal sealed class HttpLoadException(string message) : Exception(message);
