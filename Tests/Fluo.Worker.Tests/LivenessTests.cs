using Fluo.ServiceDefaults.Health;
using Fluo.Testing.Processes;
using Microsoft.Extensions.DependencyInjection;

namespace Fluo.Worker.Tests;

public class LivenessTests
{
    private const int SigStop = 19;
    private const int SigCont = 18;

    [Fact]
    public async Task Alive_turns_503_while_the_server_is_frozen_and_200_once_it_resumes()
    {
        await using var bed = await Testbed.StartAsync();
        var host = await bed.StartWorkerAsync(new Dictionary<string, string?> { ["Fluo:Worker:IdleHeartbeat"] = "00:00:00.500" });
        using var http = host.CreateClient();
        var liveness = host.Services.GetRequiredService<ConsumerLiveness>();
        await Eventually.Async(async () => (await http.GetAsync("/alive")).IsSuccessStatusCode, "alive");
        await Task.Delay(2000);
        Assert.Equal("Healthy", await http.GetStringAsync("/alive"));

        Posix.Signal(bed.Server.ProcessId, SigStop);
        try
        {
            await Eventually.Async(async () => (int)(await http.GetAsync("/alive")).StatusCode == 503, "alive 503", TimeSpan.FromSeconds(10));
            Assert.Equal("JOBS/workers", Assert.Single(liveness.Stalled()).Consumer);
        }
        finally
        {
            Posix.Signal(bed.Server.ProcessId, SigCont);
        }

        await Eventually.Async(async () => (await http.GetAsync("/alive")).IsSuccessStatusCode, "alive again", TimeSpan.FromSeconds(30));
        Assert.Empty(liveness.Stalled());
    }
}
