using System.Threading.Channels;

namespace Fluo.Nats;

/// <summary>A subscription: read its messages from <see cref="Msgs"/>; dispose it to unsubscribe.</summary>
public interface INatsSub<T> : IAsyncDisposable
{
    /// <summary>The subject subscribed to (may hold wildcards).</summary>
    string Subject { get; }

    /// <summary>The queue group, if any.</summary>
    string? QueueGroup { get; }

    /// <summary>The messages; completes when the subscription ends (unsubscribed, max reached, connection disposed).</summary>
    ChannelReader<NatsMsg<T>> Msgs { get; }

    /// <summary>Messages dropped because the buffer was full.</summary>
    long DroppedCount { get; }

    /// <summary>Sends <c>UNSUB</c> and completes <see cref="Msgs"/>.</summary>
    ValueTask UnsubscribeAsync();
}
