using Fluo.Nats.Internal;
using Fluo.Nats.Protocol;

namespace Fluo.Nats.JetStream;

/// <summary>
/// The publisher's one wildcard reply subscription (<c>_INBOX.&lt;nuid&gt;.*</c>): the last token routes each ack
/// to its in-flight slot. Acks are parsed in place, without a channel hop.
/// </summary>
internal sealed class PubAckSub(NatsJSPublisher publisher, int sid, string prefix) : NumberedReplySub(sid, prefix)
{
    protected override void Receive(long number, in ServerFrame frame, ReadOnlyMemory<byte> window, int size) =>
        publisher.OnReply(number, frame.Headers, frame.Payload, window.Slice(frame.PayloadOffset, frame.Payload.Length));
}
