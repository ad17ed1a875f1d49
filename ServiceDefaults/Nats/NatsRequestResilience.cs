using Fluo.Nats;
using Polly;
using Polly.Retry;

namespace Fluo.ServiceDefaults.Nats;

/// <summary>
/// The NATS counterpart of the standard HTTP resilience handler: a total timeout around retries (exponential
/// back-off with jitter) of requests that found no responder or got no reply. Retrying re-sends the request,
/// so only idempotent requests (queries) may use it; commands must not.
/// </summary>
public static class NatsRequestResilience
{
    /// <summary>Retries after the first attempt.</summary>
    public const int MaxRetryAttempts = 3;

    /// <summary>The shared pipeline: 3 retries from 200 ms, exponential with jitter, 30 s in total.</summary>
    public static ResiliencePipeline Pipeline { get; } = new ResiliencePipelineBuilder()
        .AddTimeout(TimeSpan.FromSeconds(30))
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            ShouldHandle = new PredicateBuilder().Handle<NatsNoRespondersException>().Handle<NatsRequestTimeoutException>(),
        })
        .Build();

    /// <summary>
    /// Sends an idempotent request through <see cref="Pipeline"/>: retried when nobody answers (a replica
    /// restarting) or no reply comes in time. Do not use for commands that must not run twice.
    /// </summary>
    public static async ValueTask<NatsMsg<TReply>> RequestIdempotentAsync<TRequest, TReply>(this INatsConnection connection, string subject, TRequest data,
        NatsHeaders? headers = null, TimeSpan? attemptTimeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await Pipeline.ExecuteAsync(
            static async (state, token) => await state.connection.RequestAsync<TRequest, TReply>(state.subject, state.data, state.headers, state.attemptTimeout, cancellationToken: token).ConfigureAwait(false),
            (connection, subject, data, headers, attemptTimeout),
            cancellationToken).ConfigureAwait(false);
    }
}
