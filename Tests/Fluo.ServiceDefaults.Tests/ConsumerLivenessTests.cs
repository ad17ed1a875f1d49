using Fluo.ServiceDefaults.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fluo.ServiceDefaults.Tests;

public class ConsumerLivenessTests
{
    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task A_consumer_silent_beyond_its_window_makes_alive_and_health_503_and_a_beat_heals_it()
    {
        var time = new ManualTime();
        await using var app = await TestWebApp.StartAsync(
            b =>
            {
                b.Services.AddSingleton<TimeProvider>(time);
                b.AddServiceDefaults();
            },
            a => a.MapDefaultEndpoints());
        using var client = app.CreateClient();
        var liveness = app.Services.GetRequiredService<ConsumerLiveness>();
        liveness.Register("JOBS/workers", TimeSpan.FromSeconds(30));
        Assert.Equal("Healthy", await client.GetStringAsync("/alive"));

        time.Now += TimeSpan.FromSeconds(20);
        liveness.Beat("JOBS/workers");
        time.Now += TimeSpan.FromSeconds(25);
        Assert.Equal("Healthy", await client.GetStringAsync("/alive"));

        time.Now += TimeSpan.FromSeconds(10);
        Assert.Equal(503, (int)(await client.GetAsync("/alive")).StatusCode);
        Assert.Equal(503, (int)(await client.GetAsync("/health")).StatusCode);
        Assert.Equal("JOBS/workers", Assert.Single(liveness.Stalled()).Consumer);

        liveness.Beat("JOBS/workers");
        Assert.Equal("Healthy", await client.GetStringAsync("/alive"));
        time.Now += TimeSpan.FromMinutes(5);
        liveness.Unregister("JOBS/workers");
        Assert.Equal("Healthy", await client.GetStringAsync("/health"));
    }
}
