using Fluo.Contracts.Messaging;
using Fluo.Nats;

namespace Fluo.Worker.Rules;

/// <summary>Drops the rule cache whenever the Api announces a rule write on <see cref="Subjects.RulesChanged"/>.</summary>
internal sealed class RulesChangedListener(INatsConnection nats, RuleCache cache) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var _ in nats.SubscribeAsync<string>(Subjects.RulesChanged, cancellationToken: stoppingToken))
                {
                    cache.Invalidate();
                }
            }
            catch (NatsException)
            {
                // A hint only (the cache also expires by itself): subscribe again shortly.
                cache.Invalidate();
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }
}
