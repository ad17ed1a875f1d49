namespace Fluo.Nats.JetStream;

/// <summary>
/// An ordered consumer: reads a stream (or the part of it matching a filter) in stream order, exactly once, without
/// acknowledgements. It is ephemeral and repairs itself: on a gap in the consumer sequence, missing heartbeats, a
/// reconnect or the loss of its server-side consumer it creates a new one that starts right after the last message
/// it handed out. Use one enumeration at a time; disposing deletes the server-side consumer (ending an enumeration
/// does too, and the next one creates a new consumer where the last left off).
/// </summary>
public interface INatsJSOrderedConsumer : IAsyncDisposable
{
    /// <summary>The stream.</summary>
    string Stream { get; }

    /// <summary>The options it was created with.</summary>
    NatsJSOrderedConsumerOpts Opts { get; }

    /// <summary>The server-side consumer currently in use (changes on every reset), or null between uses.</summary>
    ConsumerInfo? Info { get; }

    /// <summary>The stream sequence of the last message handed out (0 before the first).</summary>
    ulong LastStreamSequence { get; }

    /// <summary>
    /// Messages in stream order until <paramref name="cancellationToken"/> fires. <see cref="NatsJSConsumeOpts.ConsumerDeletedWait"/>
    /// does not apply: a deleted consumer is replaced at once.
    /// </summary>
    /// <exception cref="NatsJSApiException">The consumer could not be (re)created, e.g. the stream was deleted.</exception>
    /// <exception cref="NatsJSTerminalStatusException">The server refused the pull (400 Bad Request).</exception>
    IAsyncEnumerable<NatsJSMsg<T>> ConsumeAsync<T>(NatsJSConsumeOpts? opts = null, INatsDeserialize<T>? serializer = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// One pull of up to <see cref="NatsJSFetchOpts.MaxMsgs"/> messages, continuing where the last call ended. A fetch
    /// that notices a gap or a lost consumer ends early after resetting; the next one resumes without loss.
    /// </summary>
    IAsyncEnumerable<NatsJSMsg<T>> FetchAsync<T>(NatsJSFetchOpts? opts = null, INatsDeserialize<T>? serializer = null, CancellationToken cancellationToken = default);
}
