namespace Fluo.Nats.JetStream;

/// <summary>JetStream on one connection: streams, consumers and acknowledged publishes (shaped like NATS.Net v2).</summary>
public interface INatsJSContext
{
    /// <summary>The connection.</summary>
    INatsConnection Connection { get; }

    /// <summary>The options.</summary>
    NatsJSOpts Opts { get; }

    /// <summary>Usage and limits of the account.</summary>
    ValueTask<AccountInfo> GetAccountInfoAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates a stream; creating an identical one again is fine, a different one fails with 10058.</summary>
    /// <exception cref="NatsJSApiException">The server refused.</exception>
    ValueTask<StreamInfo> CreateStreamAsync(StreamConfig config, CancellationToken cancellationToken = default);

    /// <summary>Updates a stream (storage and retention cannot change: 10052).</summary>
    /// <exception cref="NatsJSApiException">The server refused (10059 when it does not exist).</exception>
    ValueTask<StreamInfo> UpdateStreamAsync(StreamConfig config, CancellationToken cancellationToken = default);

    /// <summary>Updates the stream, or creates it when it does not exist.</summary>
    ValueTask<StreamInfo> CreateOrUpdateStreamAsync(StreamConfig config, CancellationToken cancellationToken = default);

    /// <summary>A stream's configuration and state.</summary>
    /// <exception cref="NatsJSApiException">10059 when it does not exist.</exception>
    ValueTask<StreamInfo> GetStreamAsync(string stream, CancellationToken cancellationToken = default);

    /// <summary>Deletes a stream and its consumers.</summary>
    /// <exception cref="NatsJSApiException">10059 when it does not exist.</exception>
    ValueTask<bool> DeleteStreamAsync(string stream, CancellationToken cancellationToken = default);

    /// <summary>Removes messages (all, or those matching <paramref name="request"/>); returns how many.</summary>
    ValueTask<ulong> PurgeStreamAsync(string stream, StreamPurgeRequest? request = null, CancellationToken cancellationToken = default);

    /// <summary>Names of all streams (or those storing <paramref name="subject"/>), page by page.</summary>
    IAsyncEnumerable<string> ListStreamNamesAsync(string? subject = null, CancellationToken cancellationToken = default);

    /// <summary>All streams (or those storing <paramref name="subject"/>), page by page.</summary>
    IAsyncEnumerable<StreamInfo> ListStreamsAsync(string? subject = null, CancellationToken cancellationToken = default);

    /// <summary>Reads one message from a stream by sequence or as the last on a subject.</summary>
    /// <exception cref="NatsJSApiException">10037 when there is no such message.</exception>
    ValueTask<StoredMsg> GetMsgAsync(string stream, StreamMsgGetRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a consumer, or updates it when it exists (2.9 has no create-only action). Durable when
    /// <see cref="ConsumerConfig.DurableName"/> is set, ephemeral otherwise.
    /// </summary>
    ValueTask<INatsJSConsumer> CreateOrUpdateConsumerAsync(string stream, ConsumerConfig config, CancellationToken cancellationToken = default);

    /// <summary>An existing consumer.</summary>
    /// <exception cref="NatsJSApiException">10014 when it does not exist (10059 when the stream does not).</exception>
    ValueTask<INatsJSConsumer> GetConsumerAsync(string stream, string consumer, CancellationToken cancellationToken = default);

    /// <summary>A consumer's configuration and state.</summary>
    ValueTask<ConsumerInfo> GetConsumerInfoAsync(string stream, string consumer, CancellationToken cancellationToken = default);

    /// <summary>Deletes a consumer.</summary>
    ValueTask<bool> DeleteConsumerAsync(string stream, string consumer, CancellationToken cancellationToken = default);

    /// <summary>Names of a stream's consumers, page by page.</summary>
    IAsyncEnumerable<string> ListConsumerNamesAsync(string stream, CancellationToken cancellationToken = default);

    /// <summary>A stream's consumers, page by page.</summary>
    IAsyncEnumerable<ConsumerInfo> ListConsumersAsync(string stream, CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes to a stream and waits for its acknowledgement; retries (with backoff) while nobody answers,
    /// as happens during a leader election.
    /// </summary>
    /// <exception cref="NatsJSApiException">The stream refused the message (e.g. 10071 wrong last sequence).</exception>
    /// <exception cref="NatsNoRespondersException">No stream stores the subject (after the retries).</exception>
    ValueTask<PubAck> PublishAsync<T>(string subject, T data, NatsJSPubOpts? opts = null, NatsHeaders? headers = null, INatsSerialize<T>? serializer = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates an ordered consumer on <paramref name="stream"/>: ephemeral, no acks, delivered in stream order with no
    /// gaps or duplicates, recreating its server-side consumer whenever delivery is disturbed.
    /// </summary>
    /// <exception cref="NatsJSApiException">The server refused, e.g. 10059 when the stream does not exist.</exception>
    ValueTask<INatsJSOrderedConsumer> CreateOrderedConsumerAsync(string stream, NatsJSOrderedConsumerOpts? opts = null, CancellationToken cancellationToken = default);
}
