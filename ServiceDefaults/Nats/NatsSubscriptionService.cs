using System.Diagnostics;
using Fluo.Nats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fluo.ServiceDefaults.Nats;

/// <summary>
/// Runs a core NATS subscription for the host's lifetime and hands each message to <typeparamref name="THandler"/>
/// inside a "process" span that continues the producer's trace.
/// </summary>
internal sealed partial class NatsSubscriptionService<T, THandler>(
    IServiceProvider services, INatsConnection connection, string subject, string? queueGroup, ILogger<NatsSubscriptionService<T, THandler>> logger)
    : BackgroundService
    where THandler : class, INatsMessageHandler<T>
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogSubscribed(logger, subject, queueGroup ?? "(none)", typeof(THandler).Name);
        await foreach (var msg in connection.SubscribeAsync<T>(subject, queueGroup, cancellationToken: stoppingToken).ConfigureAwait(false))
        {
            using var activity = msg.StartActivity();
            try
            {
                msg.EnsureSuccess();
                await using var scope = services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<THandler>().HandleAsync(msg, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                activity?.AddException(ex);
                LogHandlerFailed(logger, ex, typeof(THandler).Name, msg.Subject);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Subscribed to {Subject} (queue group {QueueGroup}) with {Handler}")]
    private static partial void LogSubscribed(ILogger logger, string subject, string queueGroup, string handler);

    [LoggerMessage(2, LogLevel.Error, "{Handler} failed on a message on {Subject}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string handler, string subject);
}
