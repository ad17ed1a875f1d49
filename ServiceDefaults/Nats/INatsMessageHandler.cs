using Fluo.Nats;

namespace Fluo.ServiceDefaults.Nats;

/// <summary>Handles messages of one subscription; resolved from a fresh DI scope per message.</summary>
/// <typeparam name="T">Payload type.</typeparam>
public interface INatsMessageHandler<T>
{
    /// <summary>Handles one message. An exception is logged and recorded on the process span; the subscription goes on.</summary>
    Task HandleAsync(NatsMsg<T> msg, CancellationToken cancellationToken);
}
