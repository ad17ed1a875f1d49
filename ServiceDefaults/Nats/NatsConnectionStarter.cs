using Fluo.Nats;
using Microsoft.Extensions.Hosting;

namespace Fluo.ServiceDefaults.Nats;

/// <summary>Starts connecting when the host starts, without delaying start-up (the connection retries on its own).</summary>
internal sealed class NatsConnectionStarter(NatsConnection connection) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = connection.ConnectAsync(CancellationToken.None).AsTask().ContinueWith(
            static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
