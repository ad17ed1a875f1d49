using System.Globalization;
using System.Text.Json;

namespace Fluo.Testing.Nats;

/// <summary>
/// A cluster of real <c>nats-server</c> processes (three by default) joined by routes under one cluster name,
/// for failover tests. Members can be stopped and restarted one by one through <see cref="Servers"/>.
/// </summary>
public sealed class NatsCluster : IAsyncDisposable
{
    private NatsCluster(string name, IReadOnlyList<NatsServer> servers)
    {
        Name = name;
        Servers = servers;
    }

    /// <summary>The cluster name every member shares.</summary>
    public string Name { get; }

    /// <summary>The members, in start order.</summary>
    public IReadOnlyList<NatsServer> Servers { get; }

    /// <summary>The client URL of each member.</summary>
    public IReadOnlyList<string> Urls => Servers.Select(s => s.Url).ToList();

    /// <summary>All client URLs joined by commas, the form NATS clients accept.</summary>
    public string ConnectionString => string.Join(',', Urls);

    /// <summary>Starts <paramref name="size"/> routed servers and waits until each is healthy and routed to every other.</summary>
    public static async Task<NatsCluster> StartAsync(int size = 3, NatsServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 2);
        options ??= new NatsServerOptions();
        var name = $"fluo-{Guid.NewGuid().ToString("N")[..8]}";
        var routePorts = Enumerable.Range(0, size).Select(_ => FreePort.Next()).ToArray();
        var servers = new List<NatsServer>();
        var cluster = new NatsCluster(name, servers);
        try
        {
            for (var i = 0; i < size; i++)
            {
                var index = i;
                var memberOptions = options with { ServerName = $"{name}-n{index + 1}" };
                servers.Add(await NatsServer.StartAsync(memberOptions, _ => ClusterBlock(name, routePorts, index), cancellationToken).ConfigureAwait(false));
            }

            foreach (var server in servers)
            {
                await server.LaunchProcessAsync().ConfigureAwait(false);
            }

            await Task.WhenAll(servers.Select(s => s.WaitHealthyAsync(cancellationToken))).ConfigureAwait(false);
            await cluster.WaitRoutedAsync(options.StartTimeout, cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits until every running member has a route to every other running member.</summary>
    public async Task WaitRoutedAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var running = Servers.Where(s => s.IsRunning).ToList();
            var counts = await Task.WhenAll(running.Select(RouteCountAsync)).ConfigureAwait(false);
            if (counts.All(c => c >= running.Count - 1))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"NATS cluster {Name} did not form within {timeout.TotalSeconds:0}s (routes per server: {string.Join(", ", counts)}).");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        async Task<int> RouteCountAsync(NatsServer server)
        {
            try
            {
                using var doc = JsonDocument.Parse(await server.GetMonitorAsync("routez", cancellationToken).ConfigureAwait(false));
                return doc.RootElement.GetProperty("num_routes").GetInt32();
            }
            catch (HttpRequestException)
            {
                return -1;
            }
        }
    }

    private static string ClusterBlock(string name, int[] routePorts, int index)
    {
        var routes = routePorts.Where((_, i) => i != index)
            .Select(p => $"\"nats-route://127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)}\"");
        return $$"""
            cluster {
              name: "{{name}}"
              listen: "127.0.0.1:{{routePorts[index].ToString(CultureInfo.InvariantCulture)}}"
              routes: [{{string.Join(", ", routes)}}]
            }

            """;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var server in Servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
