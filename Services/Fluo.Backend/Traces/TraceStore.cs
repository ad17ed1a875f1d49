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

    /// <summary>traces.recent: the last traces received, newest first.</summary>
    public async Task<TraceList> RecentAsync(RecentTracesRequest request, CancellationToken cancellationToken)
    {
        BackendError.CheckLimit(request.Limit, MaxRecent);
        await using var command = dataSource.Command("SELECT document FROM traces ORDER BY received_at DESC, trace_id LIMIT @limit", ("limit", request.Limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var traces = new List<TraceDocument>();
        while (await reader.ReadAsync(cancellationToken))
        {
            traces.Add(reader.GetJson(0, FluoJsonContext.Default.TraceDocument)!);
        }

        return new TraceList(traces);
    }
}
