using System.Text.Json;
using Fluo.Backend.Data;
using Fluo.Backend.Hosting;
using Fluo.Contracts;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Traces;
using Npgsql;

namespace Fluo.Backend.Traces;

/// <summary>Reads the traces the Api stores.</summary>
internal sealed class TraceStore(NpgsqlDataSource dataSource)
{
    /// <summary>The largest <see cref="RecentTracesRequest.Limit"/>.</summary>
    public const int MaxRecent = 10_000;

    /// <summary>Stored JSON characters a page carries at most: even all 3-byte UTF-8, the reply fits NATS's 1 MiB default payload.</summary>
    internal const int PageBudgetChars = 256 * 1024;

    /// <summary>traces.get: one trace by its id (<see cref="IdRequest.Key"/>).</summary>
    public async Task<TraceReply> GetAsync(IdRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Key))
        {
            throw BackendError.BadRequest("key (the trace id) is required.");
        }

        await using var command = dataSource.Command("SELECT document, received_at FROM traces WHERE trace_id = @id", ("id", request.Key));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw BackendError.NotFound($"Trace {request.Key} does not exist.");
        }

        return new TraceReply(reader.GetJson(0, FluoJsonContext.Default.TraceDocument)!, reader.GetFieldValue<DateTimeOffset>(1));
    }

    /// <summary>
    /// traces.recent: the last traces received, newest first, from <see cref="RecentTracesRequest.Before"/> on; a page
    /// that reaches <see cref="PageBudgetChars"/> ends early with a cursor to continue from.
    /// </summary>
    public async Task<TraceList> RecentAsync(RecentTracesRequest request, CancellationToken cancellationToken)
    {
        BackendError.CheckLimit(request.Limit, MaxRecent);
        if (request.Before is { TraceId: null or "" })
        {
            throw BackendError.BadRequest("before.traceId is required with before.");
        }

        await using var command = request.Before is { } before
            ? dataSource.Command(
                "SELECT document::text, received_at, trace_id FROM traces WHERE (received_at, trace_id) < (@at, @id) " +
                "ORDER BY received_at DESC, trace_id DESC LIMIT @limit", ("at", before.ReceivedAt), ("id", before.TraceId), ("limit", request.Limit))
            : dataSource.Command("SELECT document::text, received_at, trace_id FROM traces ORDER BY received_at DESC, trace_id DESC LIMIT @limit", ("limit", request.Limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var traces = new List<TraceDocument>();
        var chars = 0;
        TraceCursor? last = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            var json = reader.GetString(0);
            if (last is not null && chars + json.Length > PageBudgetChars)
            {
                return new TraceList(traces, last);
            }

            chars += json.Length;
            traces.Add(JsonSerializer.Deserialize(json, FluoJsonContext.Default.TraceDocument)!);
            last = new TraceCursor(reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2));
        }

        return new TraceList(traces);
    }
}
