using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Fluo.Hosting.Health;

/// <summary>
/// NATS health for <c>WaitFor</c>: TCP connect, read <c>INFO</c>, send <c>CONNECT</c> + <c>PING</c>, expect
/// <c>PONG</c>; <c>-ERR</c> means unhealthy with the server's words. (To be replaced by the Fluo.Nats client.)
/// </summary>
internal static class NatsProbe
{
    /// <summary>Probes <paramref name="host"/>:<paramref name="port"/>; returns null when healthy, else what went wrong.</summary>
    public static async Task<string?> ProbeAsync(string host, int port, string? user, string? password, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, cts.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII);
            var info = await reader.ReadLineAsync(cts.Token).ConfigureAwait(false);
            if (info is null || !info.StartsWith("INFO ", StringComparison.Ordinal))
            {
                return $"expected INFO, got '{info}'";
            }

            var connect = JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["verbose"] = false,
                ["pedantic"] = false,
                ["name"] = "fluo-hosting-probe",
                ["lang"] = ".NET",
                ["version"] = "1.0",
                ["protocol"] = 1,
                ["user"] = user,
                ["pass"] = password,
            });
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"CONNECT {connect}\r\nPING\r\n"), cts.Token).ConfigureAwait(false);
            while (await reader.ReadLineAsync(cts.Token).ConfigureAwait(false) is { } line)
            {
                if (line == "PONG")
                {
                    return null;
                }

                if (line.StartsWith("-ERR", StringComparison.Ordinal))
                {
                    return line[4..].Trim().Trim('\'');
                }
            }

            return "the server closed the connection";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "no PONG in time";
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return e.Message;
        }
    }
}
