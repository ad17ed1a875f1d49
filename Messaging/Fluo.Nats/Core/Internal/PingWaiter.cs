using System.Diagnostics;

namespace Fluo.Nats.Internal;

/// <summary>A caller waiting for the PONG to its PING.</summary>
internal sealed class PingWaiter
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly TaskCompletionSource<TimeSpan> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TimeSpan> Task => _completion.Task;

    public void Complete() => _completion.TrySetResult(Stopwatch.GetElapsedTime(_started));

    public void Fail(Exception error) => _completion.TrySetException(error);
}
