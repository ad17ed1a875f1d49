using System.Net.Sockets;
using System.Text;

namespace Fluo.Testing.Tests;

/// <summary>Just enough of the NATS protocol to prove a fixture's server accepts a client.</summary>
internal static class RawNatsClient
{
    /// <summary>Reads INFO, sends CONNECT and PING, and returns the server's answer line (PONG or -ERR).</summary>
    public static async Task<string> HandshakeAsync(int port, string connectJson = "{\"verbose\":false}")
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await client.ConnectAsync("127.0.0.1", port, timeout.Token);
        using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var info = await reader.ReadLineAsync(timeout.Token);
        Assert.StartsWith("INFO ", info);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"CONNECT {connectJson}\r\nPING\r\n"), timeout.Token);
        return await reader.ReadLineAsync(timeout.Token) ?? "";
    }
}
