using System.Net;
using System.Net.Sockets;
using Fluo.Hosting.Dashboard;
using Fluo.Hosting.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Fluo.Hosting.Tests.Dashboard;

/// <summary>A dashboard port taken between the AppHost's check and its bind (another AppHost starting at the same moment) gives way to free ports.</summary>
public sealed class DashboardPortTests
{
    [Fact]
    public async Task A_port_lost_between_the_check_and_the_bind_gives_way_to_free_ports()
    {
        using var held = Hold(18888);

        await using var app = Build();
        var dashboard = app.Services.GetRequiredService<DashboardServer>();
        dashboard.PortLooksFree = _ => true; // the check saw 18888 free; the bind is refused
        await app.StartAsync();

        Assert.NotEqual(18888, dashboard.Url!.Port);
        Assert.NotEqual(((IPEndPoint)held.LocalEndpoint).Port, dashboard.Url.Port);
        using var http = new HttpClient { BaseAddress = dashboard.Url };
        Assert.True((await http.GetAsync(new Uri("/api/resources", UriKind.Relative))).IsSuccessStatusCode);
    }

    private static DistributedApplication Build() =>
        DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            StateDirectory = Repo.TempDirectory("hosting-dashboard-port"),
            DeleteStateOnDispose = true,
            PrintSummary = false,
            EchoResourceOutput = false,
            HandleConsoleSignals = false,
        }).Build();

    /// <summary>Listens on <paramref name="preferred"/>, or on any port when something else already holds it (then it is taken anyway).</summary>
    private static TcpListener Hold(int preferred)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, preferred);
            listener.Start();
            return listener;
        }
        catch (SocketException)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return listener;
        }
    }
}
