using Fluo.Contracts.Backend;
using Fluo.Nats.Services;
using Npgsql;

namespace Fluo.Backend.Hosting;

/// <summary>
/// How a batch endpoint runs its items, and how its single endpoint is the batch of one: each item is checked on its
/// own (a bad one gets its 400, the others go on), the good ones are written together in one round trip and one
/// transaction, and when the database refuses that write as a whole (one item's data may be the cause) each is
/// written on its own, so one bad item does not fail the others.
/// </summary>
internal static class BackendBatches
{
    /// <summary>The most items one batch request may carry.</summary>
    public const int MaxItems = 1_000;

    /// <summary>Checks <paramref name="request"/>'s items with <paramref name="check"/> and writes the good ones with <paramref name="write"/>.</summary>
    /// <param name="request">The batch.</param>
    /// <param name="check">Throws a <see cref="NatsSvcEndpointException"/> (400) for an item that cannot be written.</param>
    /// <param name="write">Writes the items in one round trip and returns an outcome per item, in their order.</param>
    /// <param name="logger">Where an item the database refuses on its own is logged.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public static async Task<BatchReply<TResult>> RunAsync<TItem, TResult>(
        BatchRequest<TItem> request,
        Action<TItem> check,
        Func<IReadOnlyList<TItem>, CancellationToken, Task<BatchOutcome<TResult>[]>> write,
        ILogger logger,
        CancellationToken cancellationToken)
        where TItem : class
        where TResult : class
    {
        if (request.Items is not { } items)
        {
            throw BackendError.BadRequest("items is required.");
        }

        if (items.Count > MaxItems)
        {
            throw BackendError.BadRequest($"A batch holds at most {MaxItems} items, not {items.Count}.");
        }

        var outcomes = new BatchOutcome<TResult>[items.Count];
        var good = new List<int>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            try
            {
                check(items[i] ?? throw BackendError.BadRequest($"Item {i} is empty."));
                good.Add(i);
            }
            catch (NatsSvcEndpointException ex)
            {
                outcomes[i] = Failed<TResult>(ex);
            }
        }

        if (good.Count == 0)
        {
            return new BatchReply<TResult>(outcomes);
        }

        if (good.Count > 1)
        {
            try
            {
                var written = await write([.. good.Select(i => items[i])], cancellationToken);
                for (var j = 0; j < good.Count; j++)
                {
                    outcomes[good[j]] = written[j];
                }

                return new BatchReply<TResult>(outcomes);
            }
            catch (PostgresException ex) when (!ex.IsTransient)
            {
                // One item's data may be what the database refused: each on its own, below.
            }
        }

        foreach (var i in good)
        {
            outcomes[i] = await WriteAloneAsync(items[i], i, write, logger, cancellationToken);
        }

        return new BatchReply<TResult>(outcomes);
    }

    private static async Task<BatchOutcome<TResult>> WriteAloneAsync<TItem, TResult>(
        TItem item, int index, Func<IReadOnlyList<TItem>, CancellationToken, Task<BatchOutcome<TResult>[]>> write, ILogger logger, CancellationToken cancellationToken)
        where TResult : class
    {
        try
        {
            return (await write([item], cancellationToken))[0];
        }
        catch (PostgresException ex) when (ex.SqlState.StartsWith("22", StringComparison.Ordinal))
        {
            // Class 22, data exception: the item holds what a column cannot (a NUL in a text, say).
            return new BatchOutcome<TResult>(Error: new BatchError(400, $"The database refused the data: {ex.MessageText}"));
        }
        catch (PostgresException ex) when (!ex.IsTransient)
        {
            BackendLog.BatchItemFailed(logger, ex, index);
            return new BatchOutcome<TResult>(Error: new BatchError(500, "Internal error writing the item; the backend's log has the details."));
        }
    }

    /// <summary>The single endpoint's answer from a batch of one: its value, or its error thrown as the service error.</summary>
    public static async Task<TResult> SingleAsync<TResult>(Task<BatchReply<TResult>> batch)
        where TResult : class
    {
        var outcome = (await batch).Items[0];
        return outcome.Value ?? throw new NatsSvcEndpointException(outcome.Error?.Code ?? 500, outcome.Error?.Message ?? "The item has no outcome.");
    }

    /// <summary>An item's outcome for a service error.</summary>
    public static BatchOutcome<TResult> Failed<TResult>(NatsSvcEndpointException error)
        where TResult : class => new(Error: new BatchError(error.Code, error.Message));
}
