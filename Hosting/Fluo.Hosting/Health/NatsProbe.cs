using Fluo.Nats;

namespace Fluo.Hosting.Health;

/// <summary>
/// NATS health for <c>WaitFor</c>: a real Fluo.Nats handshake (INFO, CONNECT, PING/PONG) with the resource's
/// credentials, as Aspire's hosting health check connects with a real client; <c>-ERR</c> gives the server's words.
/// </summary>
internal static class NatsProbe
{
    /// <summary>Probes <paramref name="host"/>:<paramref name="port"/>; returns null when healthy, else what went wrong.</summary>
    public static async Task<string?> ProbeAsync(string host, int port, string? user, string? password, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var connection = new NatsConnection(new NatsOpts
        {
            Url = $"nats://{host}:{port}",
            Username = user,
            Password = password,
            Name = "fluo-hosting-probe",
            ConnectTimeout = timeout,
            DrainTimeout = TimeSpan.FromMilliseconds(200),
        });
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await connection.ConnectAsync(cts.Token).ConfigureAwait(false);
                await connection.PingAsync(cts.Token).ConfigureAwait(false);
                return null;
            }
            catch (NatsServerException e)
            {
                return e.ServerError;
            }
            catch (NatsException e)
            {
                return e.Message;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return "no PONG in time";
            }
        }
    }
}
