using System.Diagnostics;

namespace Fluo.Nats.JetStream;

/// <summary>Handler spans for JetStream messages.</summary>
public static class NatsJSMsgActivityExtensions
{
    /// <summary>
    /// Starts a Consumer "process" span for handling <paramref name="msg"/>, parented to the client's receive span
    /// (itself a child of the publisher's trace), or linked with <paramref name="link"/>; see
    /// <see cref="NatsMsgActivityExtensions.StartActivity{T}(NatsMsg{T}, string?, ActivitySource?, bool)"/>.
    /// </summary>
    public static Activity? StartActivity<T>(this NatsJSMsg<T> msg, string? name = null, ActivitySource? source = null, bool link = false) =>
        msg.Msg.StartActivity(name, source, link);
}
