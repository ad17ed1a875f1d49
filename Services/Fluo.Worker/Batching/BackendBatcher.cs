using System.Diagnostics;
using System.Threading.Channels;
using Fluo.Backend.Client;
using Fluo.Contracts.Backend;
using Fluo.ServiceDefaults.Telemetry;
using Fluo.Worker.Telemetry;

namespace Fluo.Worker.Batching;

/// <summary>
/// Sends concurrent requests for one of the Backend's batch endpoints together. Callers queue an item and await their
/// own result; a single sender takes what is queued (at most <see cref="MaxBatch"/> items), sends it as one request
/// and answers each caller with its outcome. A request on its own goes at once; while a batch is in flight the next
/// one gathers, so the Backend's cost per item (a NATS round trip, a handler, a PostgreSQL commit) falls as load rises.
/// </summary>
/// <remarks>
/// A caller gets what the single endpoint would have given it: its reply, or a <see cref="BackendException"/> that is
/// <see cref="BackendFailure.Refused"/> with its own item's code. When the request as a whole fails (no responders, a
/// timeout) every caller in the batch gets that failure.
/// </remarks>
internal abstract class BackendBatcher<TItem, TResult> : IAsyncDisposable
    where TItem : class
    where TResult : class
{
    /// <summary>The most items sent in one request.</summary>
    public const int MaxBatch = 256;

    private readonly BackendClient _backend;
    private readonly string _subject;
    private readonly WorkerMetrics _metrics;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _sender;

    /// <summary>Starts the sender for the batch endpoint <paramref name="subject"/>.</summary>
    protected BackendBatcher(BackendClient backend, string subject, WorkerMetrics metrics)
    {
        _backend = backend;
        _subject = subject;
        _metrics = metrics;

        // The sender must not run inside the trace of whichever job first asked for this service.
        using (ExecutionContext.SuppressFlow())
        {
            _sender = Task.Run(SendLoopAsync);
        }
    }

    /// <summary>Queues <paramref name="item"/> and returns its result once the batch holding it is answered.</summary>
    /// <param name="item">The single endpoint's request.</param>
    /// <param name="cancellationToken">Stops the waiting; an item already sent is not called back.</param>
    /// <exception cref="BackendException">The Backend refused this item, or the request holding it failed.</exception>
    protected Task<TResult> SendAsync(TItem item, CancellationToken cancellationToken)
    {
        var pending = new Pending(item, Activity.Current?.Context ?? default, cancellationToken);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new BackendException(BackendFailure.Unavailable, 503, $"The worker is stopping; '{_subject}' is no longer sent.");
        }

        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops the sender; callers still waiting get an unavailable failure.</summary>
    public async ValueTask DisposeAsync()
    {
        // The hosted consumer has settled every job by now (finished, or handed back): nothing waits worth waiting for.
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        await _sender;
        _stopping.Dispose();
    }

    private async Task SendLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                // A caller that stopped waiting (shutdown handed its job back) is not sent for.
                if (pending.Cancellation.IsCancellationRequested)
                {
                    pending.Done.TrySetCanceled(pending.Cancellation);
                    continue;
                }

                batch.Add(pending);
            }

            if (batch.Count > 0)
            {
                await SendBatchAsync(batch);
                batch.Clear();
            }
        }
    }

    private async Task SendBatchAsync(List<Pending> batch)
    {
        using var activity = WorkerTelemetry.Source.StartBatchActivity($"{_subject} send", batch, static p => p.Parent);
        activity?.SetTag("fluo.batch.items", batch.Count);
        _metrics.BatchSent(_subject, batch.Count);
        try
        {
            var reply = await _backend.RequestAsync<BatchRequest<TItem>, BatchReply<TResult>>(
                _subject, new BatchRequest<TItem>([.. batch.Select(p => p.Item)]), _stopping.Token);
            if (reply.Items is not { } outcomes || outcomes.Count != batch.Count)
            {
                throw new BackendException(BackendFailure.Unreadable, 502,
                    $"The Backend answered '{_subject}' with {reply.Items?.Count ?? 0} outcomes for {batch.Count} items.");
            }

            for (var i = 0; i < batch.Count; i++)
            {
                Answer(batch[i], outcomes[i]);
            }
        }
        catch (BackendException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            batch.ForEach(p => p.Done.TrySetException(new BackendException(ex.Failure, ex.StatusCode, ex.Message, ex.InnerException)));
        }
        catch (OperationCanceledException ex) when (_stopping.IsCancellationRequested)
        {
            batch.ForEach(p => p.Done.TrySetException(new BackendException(BackendFailure.Unavailable, 503, $"The worker stopped before '{_subject}' was answered.", ex)));
        }
        catch (Exception ex)
        {
            // Whatever it is, no caller may wait forever and the sender must go on.
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            batch.ForEach(p => p.Done.TrySetException(ex));
        }
    }

    private void Answer(Pending pending, BatchOutcome<TResult>? outcome)
    {
        if (outcome?.Value is { } value)
        {
            pending.Done.TrySetResult(value);
        }
        else if (outcome?.Error is { } error)
        {
            pending.Done.TrySetException(new BackendException(BackendFailure.Refused, error.Code,
                string.IsNullOrEmpty(error.Message) ? $"The Backend refused '{_subject}' ({error.Code})." : error.Message));
        }
        else
        {
            pending.Done.TrySetException(new BackendException(BackendFailure.Unreadable, 502, $"The Backend answered '{_subject}' without an outcome for an item."));
        }
    }

    private sealed class Pending(TItem item, ActivityContext parent, CancellationToken cancellation)
    {
        public TItem Item { get; } = item;

        public ActivityContext Parent { get; } = parent;

        public CancellationToken Cancellation { get; } = cancellation;

        public TaskCompletionSource<TResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
