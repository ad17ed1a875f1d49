namespace Microsoft.Extensions.Hosting;

/// <summary>Completes once Fluo's streams, consumer and bucket exist; services that publish or consume await it.</summary>
public sealed class FluoTopologyReady
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether the topology has been ensured.</summary>
    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>Waits until the topology has been ensured.</summary>
    public Task WaitAsync(CancellationToken cancellationToken = default) => _ready.Task.WaitAsync(cancellationToken);

    internal void SetReady() => _ready.TrySetResult();
}
