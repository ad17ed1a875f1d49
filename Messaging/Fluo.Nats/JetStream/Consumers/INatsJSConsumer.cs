namespace Fluo.Nats.JetStream;

/// <summary>A pull consumer.</summary>
public interface INatsJSConsumer
{
    /// <summary>The stream.</summary>
    string Stream { get; }

    /// <summary>The consumer's name.</summary>
    string Name { get; }

    /// <summary>The info from creation or the last <see cref="RefreshAsync"/>.</summary>
    ConsumerInfo Info { get; }

    /// <summary>Reloads <see cref="Info"/>.</summary>
    ValueTask RefreshAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// One pull: yields up to <see cref="NatsJSFetchOpts.MaxMsgs"/> messages and ends when the batch is complete,
    /// the pull expires, or the server says there are no more.
    /// </summary>
    /// <exception cref="NatsJSTerminalStatusException">The consumer was deleted or the pull was refused.</exception>
    IAsyncEnumerable<NatsJSMsg<T>> FetchAsync<T>(NatsJSFetchOpts? opts = null, INatsDeserialize<T>? serializer = null, CancellationToken cancellationToken = default);

    /// <summary>The next message, or null when none arrives within <paramref name="expires"/> (default 30 s).</summary>
    ValueTask<NatsJSMsg<T>?> NextAsync<T>(TimeSpan? expires = null, INatsDeserialize<T>? serializer = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Messages until <paramref name="cancellationToken"/> fires: keeps pulls topped up, detects dead pulls with
    /// idle heartbeats, pulls again after reconnects and waits out a consumer being recreated. It never ends on its
    /// own without an exception.
    /// </summary>
    /// <exception cref="NatsJSTerminalStatusException">A terminal status (consumer deleted and not recreated, bad request, push consumer).</exception>
    IAsyncEnumerable<NatsJSMsg<T>> ConsumeAsync<T>(NatsJSConsumeOpts? opts = null, INatsDeserialize<T>? serializer = null, CancellationToken cancellationToken = default);
}
