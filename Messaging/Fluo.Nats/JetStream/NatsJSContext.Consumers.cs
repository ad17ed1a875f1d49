using Fluo.Nats.JetStream.Serialization;

namespace Fluo.Nats.JetStream;

public sealed partial class NatsJSContext
{
    /// <inheritdoc />
    /// <remarks>
    /// Named consumers use <c>CONSUMER.CREATE.&lt;stream&gt;.&lt;name&gt;[.&lt;filter&gt;]</c> (2.9.0+; the filter token only
    /// when the filter has no wildcards), unnamed ephemerals the legacy <c>CONSUMER.CREATE.&lt;stream&gt;</c>.
    /// </remarks>
    public async ValueTask<INatsJSConsumer> CreateOrUpdateConsumerAsync(string stream, ConsumerConfig config, CancellationToken cancellationToken = default)
    {
        ValidateName(stream, nameof(stream));
        ArgumentNullException.ThrowIfNull(config);
        var name = config.Name ?? config.DurableName;
        string operation;
        if (name is null)
        {
            operation = $"CONSUMER.CREATE.{stream}";
        }
        else
        {
            ValidateName(name, "consumer name");
            if (config.DurableName is not null && config.Name is not null && config.DurableName != config.Name)
            {
                throw new ArgumentException("Name and DurableName must be equal when both are set.", nameof(config));
            }

            config = config with { Name = name };
            operation = config.FilterSubject is { Length: > 0 } filter && NatsSubjects.IsValid(filter, allowWildcards: false)
                ? $"CONSUMER.CREATE.{stream}.{name}.{filter}"
                : $"CONSUMER.CREATE.{stream}.{name}";
        }

        var info = await RequestAsync(operation, new ConsumerCreateRequest(stream, config), NatsJSJsonContext.Default.ConsumerCreateRequest, NatsJSJsonContext.Default.ConsumerInfo, cancellationToken).ConfigureAwait(false);
        return new NatsJSConsumer(this, info);
    }

    /// <inheritdoc />
    public async ValueTask<INatsJSConsumer> GetConsumerAsync(string stream, string consumer, CancellationToken cancellationToken = default) =>
        new NatsJSConsumer(this, await GetConsumerInfoAsync(stream, consumer, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public ValueTask<ConsumerInfo> GetConsumerInfoAsync(string stream, string consumer, CancellationToken cancellationToken = default)
    {
        ValidateName(stream, nameof(stream));
        ValidateName(consumer, nameof(consumer));
        return RequestAsync($"CONSUMER.INFO.{stream}.{consumer}", NatsJSJsonContext.Default.ConsumerInfo, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteConsumerAsync(string stream, string consumer, CancellationToken cancellationToken = default)
    {
        ValidateName(stream, nameof(stream));
        ValidateName(consumer, nameof(consumer));
        var response = await RequestAsync($"CONSUMER.DELETE.{stream}.{consumer}", NatsJSJsonContext.Default.SuccessResponse, cancellationToken).ConfigureAwait(false);
        return response.Success;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<string> ListConsumerNamesAsync(string stream, CancellationToken cancellationToken = default)
    {
        ValidateName(stream, nameof(stream));
        return PageAsync($"CONSUMER.NAMES.{stream}", offset => new OffsetRequest(offset), NatsJSJsonContext.Default.OffsetRequest,
            NatsJSJsonContext.Default.ConsumerNamesResponse, page => (page.Consumers, page.Total), cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ConsumerInfo> ListConsumersAsync(string stream, CancellationToken cancellationToken = default)
    {
        ValidateName(stream, nameof(stream));
        return PageAsync($"CONSUMER.LIST.{stream}", offset => new OffsetRequest(offset), NatsJSJsonContext.Default.OffsetRequest,
            NatsJSJsonContext.Default.ConsumerListResponse, page => (page.Consumers, page.Total), cancellationToken);
    }
}
