using Fluo.Nats.Protocol;

namespace Fluo.Nats.Internal;

/// <summary>What the reader loop needs from a subscription: its identity and a non-blocking delivery.</summary>
internal abstract class NatsSubBase
{
    protected NatsSubBase(int sid, string subject, string? queueGroup, int? maxMsgs)
    {
        Sid = sid;
        Subject = subject;
        QueueGroup = queueGroup;
        MaxMsgs = maxMsgs;
    }

    public int Sid { get; }

    public string Subject { get; }

    public string? QueueGroup { get; }

    public int? MaxMsgs { get; }

    /// <summary>Messages delivered so far (written by the reader loop only).</summary>
    public long Delivered { get; protected set; }

    /// <summary>
    /// Called by the reader loop; must never block. <paramref name="window"/> is the buffer the frame was parsed
    /// from (valid only during the call), so the payload can be read as memory without a copy.
    /// </summary>
    public abstract void Receive(in ServerFrame frame, ReadOnlyMemory<byte> window, int size);

    /// <summary>Ends the subscription's message stream.</summary>
    public abstract void Complete(Exception? error = null);
}
