using System.Buffers.Text;
using Fluo.Nats.Protocol;

namespace Fluo.Nats.Internal;

/// <summary>
/// The one wildcard subscription (<c>_INBOX.&lt;nuid&gt;.*</c>) that receives the replies of every request on the
/// connection; the last token is a request number that routes the reply to its waiter.
/// </summary>
internal sealed class InboxSub : NatsSubBase
{
    private readonly NatsConnection _connection;
    private readonly int _prefixLength;

    public InboxSub(NatsConnection connection, int sid, string prefix)
        : base(sid, prefix + "*", null, null)
    {
        _connection = connection;
        _prefixLength = prefix.Length;
    }

    public override void Receive(in ServerFrame frame, ReadOnlyMemory<byte> window, int size)
    {
        if (frame.Subject.Length <= _prefixLength ||
            !Utf8Parser.TryParse(frame.Subject[_prefixLength..], out long id, out var used) ||
            used != frame.Subject.Length - _prefixLength)
        {
            return;
        }

        if (_connection.TakeReplyWaiter(id) is { } waiter)
        {
            waiter.SetReply(frame, window, size);
        }
    }

    public override void Complete(Exception? error = null)
    {
    }
}
