using Fluo.Nats.Protocol;

namespace Fluo.Nats.Internal;

/// <summary>
/// The one wildcard subscription (<c>_INBOX.&lt;nuid&gt;.*</c>) that receives the replies of every request on the
/// connection; the last token is a request number that routes the reply to its waiter.
/// </summary>
internal sealed class InboxSub(NatsConnection connection, int sid, string prefix) : NumberedReplySub(sid, prefix)
{
    protected override void Receive(long number, in ServerFrame frame, ReadOnlyMemory<byte> window, int size)
    {
        if (connection.TakeReplyWaiter(number) is { } waiter)
        {
            waiter.SetReply(frame, window, size);
        }
    }
}
