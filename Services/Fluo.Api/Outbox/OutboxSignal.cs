namespace Fluo.Api.Outbox;

/// <summary>Wakes the relay at once when the Api has committed outbox rows (it polls as well, for other replicas' rows).</summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    /// <summary>Tells the relay there is something to publish.</summary>
    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another caller signalled first: one wake-up is enough.
            }
        }
    }

    /// <summary>Waits for <see cref="Notify"/> or <paramref name="timeout"/>.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _signal.Dispose();
}
