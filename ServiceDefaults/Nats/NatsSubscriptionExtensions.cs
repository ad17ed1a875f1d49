using Fluo.Nats;
using Fluo.ServiceDefaults.Nats;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Typed message handlers in the eShop style.</summary>
public static class NatsSubscriptionExtensions
{
    /// <summary>
    /// Subscribes to <paramref name="subject"/> (optionally in <paramref name="queueGroup"/>, so replicas share the load)
    /// for the host's lifetime and calls <typeparamref name="THandler"/> (scoped) for each message.
    /// Needs an <see cref="INatsConnection"/> (<c>AddNatsClient</c>).
    /// </summary>
    public static IServiceCollection AddNatsSubscription<T, THandler>(this IServiceCollection services, string subject, string? queueGroup = null)
        where THandler : class, INatsMessageHandler<T>
    {
        ArgumentNullException.ThrowIfNull(services);
        NatsSubjects.Validate(subject, allowWildcards: true);
        if (queueGroup is not null)
        {
            NatsSubjects.ValidateQueueGroup(queueGroup);
        }

        services.TryAddScoped<THandler>();
        services.AddSingleton<IHostedService>(s => new NatsSubscriptionService<T, THandler>(
            s, s.GetRequiredService<INatsConnection>(), subject, queueGroup, s.GetRequiredService<ILogger<NatsSubscriptionService<T, THandler>>>()));
        return services;
    }
}
