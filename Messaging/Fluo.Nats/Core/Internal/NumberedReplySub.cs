using System.Buffers.Text;
using Fluo.Nats.Protocol;

namespace Fluo.Nats.Internal;

/// <summary>
/// A wildcard reply subscription (<c>_INBOX.&lt;nuid&gt;.*</c>) whose last token is a number that routes each reply to
/// whatever waits for it. Runs on the reader loop; a subject whose last token is not a number is dropped.
/// </summary>
internal abstract class NumberedReplySub : NatsSubBase
{
    private readonly int _prefixLength;

    protected NumberedReplySub(int sid, string prefix)
        : base(sid, prefix + "*", null, null) => _prefixLength = prefix.Length;

    public sealed override void Receive(in ServerFrame frame, ReadOnlyMemory<byte> window, int size)
    {
        if (frame.Subject.Length > _prefixLength &&
            Utf8Parser.TryParse(frame.Subject[_prefixLength..], out long number, out var used) &&
            used == frame.Subject.Length - _prefixLength)
        {
            Receive(number, frame, window, size);
        }
    }

    public override void Complete(Exception? error = null)
    {
    }

    /// <summary>Delivers the reply numbered <paramref name="number"/>; must never block.</summary>
    protected abstract void Receive(long number, in ServerFrame frame, ReadOnlyMemory<byte> window, int size);
}
