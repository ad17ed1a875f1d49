using System.Buffers.Text;
using Fluo.Nats.Internal;
using Fluo.Nats.Protocol;

namespace Fluo.Nats.JetStream;

/// <summary>
/// The publisher's one wildcard reply subscription (<c>_INBOX.&lt;nuid&gt;.*</c>): the last token routes each ack
/// to its in-flight slot. Runs on the reader loop; acks are parsed in place, without a channel hop.
/// </summary>
internal sealed class PubAckSub : NatsSubBase
{
    private readonly NatsJSPublisher _publisher;
    private readonly int _prefixLength;

    public PubAckSub(NatsJSPublisher publisher, int sid, string prefix)
        : base(sid, prefix + "*", null, null)
    {
        _publisher = publisher;
        _prefixLength = prefix.Length;
    }

    public override void Receive(in ServerFrame frame, ReadOnlyMemory<byte> window, int size)
    {
        if (frame.Subject.Length > _prefixLength &&
            Utf8Parser.TryParse(frame.Subject[_prefixLength..], out long token, out var used) &&
            used == frame.Subject.Length - _prefixLength)
        {
            _publisher.OnReply(token, frame.Headers, frame.Payload, window.Slice(frame.PayloadOffset, frame.Payload.Length));
        }
    }

    public override void Complete(Exception? error = null)
    {
    }
}
