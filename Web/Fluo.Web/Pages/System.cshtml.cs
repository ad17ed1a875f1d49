using Fluo.Nats;
using Fluo.Nats.JetStream;
using Fluo.Web.Live;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;

namespace Fluo.Web.Pages;

/// <summary>NATS and stream health (streams, consumers, pending, redeliveries) and PostgreSQL reachability, read now.</summary>
public sealed class SystemModel(INatsConnection nats, INatsJSContext js, NpgsqlDataSource db, LiveHub hub) : PageModel
{
    /// <summary>NATS connection state.</summary>
    public string NatsState { get; private set; } = string.Empty;

    /// <summary>The server this replica talks to.</summary>
    public string? NatsServer { get; private set; }

    /// <summary>Whether <c>SELECT 1</c> worked.</summary>
    public bool PostgresOk { get; private set; }

    /// <summary>Round trip or error.</summary>
    public string? PostgresDetail { get; private set; }

    /// <summary>WebSockets open on this replica.</summary>
    public int Connections { get; private set; }

    /// <summary>Streams.</summary>
    public List<StreamSample> Streams { get; } = [];

    /// <summary>Durable consumers.</summary>
    public List<ConsumerSample> Consumers { get; } = [];

    /// <summary>Why NATS details are missing.</summary>
    public string? Error { get; private set; }

    /// <summary>Reads everything.</summary>
    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        NatsState = nats.ConnectionState.ToString();
        NatsServer = nats.ServerInfo is { } info ? $"{info.Name} {info.Version}" : null;
        Connections = hub.ConnectionCount;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await foreach (var s in js.ListStreamsAsync(cancellationToken: timeout.Token))
            {
                Streams.Add(new StreamSample(s.Config.Name, s.State.Messages, s.State.Bytes, s.State.LastSeq, s.State.ConsumerCount, s.Config.Retention.ToString().ToLowerInvariant()));
                await foreach (var c in js.ListConsumersAsync(s.Config.Name, timeout.Token))
                {
                    if (c.Config.DurableName is not null)
                    {
                        Consumers.Add(new ConsumerSample(s.Config.Name, c.Name, c.NumPending, c.NumAckPending, c.NumRedelivered, c.NumWaiting));
                    }
                }
            }
        }
        catch (Exception ex) when (ex is NatsException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Error = "JetStream could not be read: " + ex.Message;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await using var command = db.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            PostgresOk = true;
            PostgresDetail = $"SELECT 1 in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.#} ms";
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            PostgresDetail = ex.Message;
        }
    }
}
