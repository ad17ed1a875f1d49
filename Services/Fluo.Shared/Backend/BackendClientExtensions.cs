using Fluo.Nats;
using Fluo.Backend.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers the one <see cref="BackendClient"/> a service uses.</summary>
public static class BackendClientExtensions
{
    /// <summary>Adds a singleton <see cref="BackendClient"/> on the <c>nats</c> connection, its timeout read from <typeparamref name="TOptions"/>.</summary>
    public static IServiceCollection AddBackendClient<TOptions>(this IServiceCollection services, Func<TOptions, TimeSpan> timeout)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(timeout);
        return services.AddSingleton(sp => new BackendClient(
            sp.GetRequiredService<INatsConnection>(), timeout(sp.GetRequiredService<IOptions<TOptions>>().Value)));
    }
}
