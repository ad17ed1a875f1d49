using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Fluo.Web.Tests;

/// <summary>A test client over a real <see cref="ClientWebSocket"/>: send frames, read the next frame with a timeout.</summary>
public sealed class WsClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private int _ids;

    public WebSocketState State => _socket.State;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseDescription => _socket.CloseStatusDescription;

    public static async Task<WsClient> ConnectAsync(Uri uri, CookieContainer? cookies = null)
    {
        var client = new WsClient();
        client._socket.Options.Cookies = cookies;
        client._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client._socket.ConnectAsync(uri, timeout.Token);
        return client;
    }

    public Task SendAsync(object frame) => SendRawAsync(JsonSerializer.Serialize(frame));

    public string NextId() => "c" + Interlocked.Increment(ref _ids);

    public async Task SendRawAsync(string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, timeout.Token);
    }

    public async Task SendBytesAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, timeout.Token);
    }

    /// <summary>The next frame, or null when the server closed the socket.</summary>
    public async Task<JsonElement?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
            }
        }
    }

    /// <summary>Reads frames until one of <paramref name="type"/> arrives (skipping others), failing on timeout or close.</summary>
    public async Task<JsonElement> ExpectAsync(string type, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, $"no '{type}' frame in time");
            var frame = await ReceiveAsync(left) ?? throw new Xunit.Sdk.XunitException($"socket closed ({CloseStatus} {CloseDescription}) while waiting for '{type}'");
            if (frame.GetProperty("type").GetString() == type)
            {
                return frame;
            }
        }
    }

    /// <summary>The next frame, which must be of <paramref name="type"/>.</summary>
    public async Task<JsonElement> NextAsync(string type, TimeSpan? timeout = null)
    {
        var frame = await ReceiveAsync(timeout) ?? throw new Xunit.Sdk.XunitException($"socket closed ({CloseStatus} {CloseDescription}) while waiting for '{type}'");
        Assert.True(frame.GetProperty("type").GetString() == type, $"expected '{type}', got {frame}");
        return frame;
    }

    public async Task<string> ExpectErrorAsync(string code)
    {
        var frame = await NextAsync("error");
        Assert.Equal(code, frame.GetProperty("payload").GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(frame.GetProperty("payload").GetProperty("reason").GetString()));
        return frame.GetProperty("payload").GetProperty("reason").GetString()!;
    }

    /// <summary>Ping and expect the pong (proves the connection is alive and that nothing else was queued before).</summary>
    public async Task PingPongAsync()
    {
        var id = NextId();
        await SendAsync(new { type = "ping", id });
        var pong = await NextAsync("pong");
        Assert.Equal(id, pong.GetProperty("ref").GetString());
    }

    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        _socket.Dispose();
    }
}
