using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Fluo.Nats.JetStream;

/// <summary>
/// The pending acknowledgement of one <see cref="NatsJSPublisher.PublishAsync{T}"/>. Await it (once) for the
/// <see cref="PubAck"/>, or for the typed failure: <see cref="NatsJSApiException"/> when the stream refused the
/// message, <see cref="NatsNoRespondersException"/> when no stream stores the subject (or none has a leader),
/// <see cref="NatsRequestTimeoutException"/> when no ack came within the publisher's ack timeout.
/// </summary>
public sealed class NatsJSPublishFuture : IValueTaskSource<PubAck>
{
    private ManualResetValueTaskSourceCore<PubAck> _core = new() { RunContinuationsAsynchronously = true };

    internal NatsJSPublishFuture(string subject, long deadline)
    {
        Subject = subject;
        Deadline = deadline;
    }

    /// <summary>The subject published to.</summary>
    public string Subject { get; }

    /// <summary>True once the ack or the failure is known.</summary>
    public bool IsCompleted => _core.GetStatus(_core.Version) != ValueTaskSourceStatus.Pending;

    /// <summary>Stopwatch timestamp after which the publish counts as timed out.</summary>
    internal long Deadline { get; }

    /// <summary>The ack (or the failure) as a value task; await it once.</summary>
    public ValueTask<PubAck> GetAckAsync() => new(this, _core.Version);

    /// <summary>Lets <c>await future</c> give the <see cref="PubAck"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2012", Justification = "The value task is awaited through the awaiter it returns.")]
    public ValueTaskAwaiter<PubAck> GetAwaiter() => GetAckAsync().GetAwaiter();

    internal void SetAck(PubAck ack) => _core.SetResult(ack);

    internal void SetError(Exception error) => _core.SetException(error);

    PubAck IValueTaskSource<PubAck>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<PubAck>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<PubAck>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
