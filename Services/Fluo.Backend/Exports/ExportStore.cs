using Fluo.Backend.Data;
using Fluo.Backend.Hosting;
using Fluo.Contracts;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Signals;
using Npgsql;

namespace Fluo.Backend.Exports;

/// <summary>Export files, stored chunk by chunk as the worker writes them and read back the same way for downloads.</summary>
internal sealed class ExportStore(NpgsqlDataSource dataSource)
{
    /// <summary>The largest chunk (fits any NATS payload limit with room for the JSON around it).</summary>
    public const int MaxChunkBytes = 256 * 1024;

    private const string Columns = "id, job_id, format, filter, completed, chunks, rows, bytes, created_at";

    /// <summary>
    /// exports.append: stores a chunk; storing the same index again replaces it (a retried job writes the same bytes).
    /// A complete export takes no new or different chunks (409); repeating one it holds is acknowledged.
    /// </summary>
    public async Task<Ack> AppendAsync(ExportChunk chunk, CancellationToken cancellationToken)
    {
        BackendError.CheckId(chunk.ExportId, "exportId");
        if (chunk.Index < 0)
        {
            throw BackendError.BadRequest($"index must not be negative, not {chunk.Index}.");
        }

        if (chunk.Content is null || chunk.Content.Length > MaxChunkBytes)
        {
            throw BackendError.BadRequest($"content is required and at most {MaxChunkBytes} bytes.");
        }

        await using (var upsert = dataSource.Command(
            "INSERT INTO export_chunks (export_id, index, content) SELECT id, @index, @content FROM exports WHERE id = @id AND NOT completed " +
            "ON CONFLICT (export_id, index) DO UPDATE SET content = EXCLUDED.content",
            ("id", chunk.ExportId), ("index", chunk.Index), ("content", chunk.Content)))
        {
            if (await upsert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return new Ack();
            }
        }

        await using var check = dataSource.Command(
            "SELECT c.content = @content FROM exports e LEFT JOIN export_chunks c ON c.export_id = e.id AND c.index = @index WHERE e.id = @id",
            ("id", chunk.ExportId), ("index", chunk.Index), ("content", chunk.Content));
        return await check.ExecuteScalarAsync(cancellationToken) switch
        {
            null => throw BackendError.NotFound($"Export {chunk.ExportId} does not exist."),
            true => new Ack(),
            _ => throw BackendError.Conflict($"Export {chunk.ExportId} is complete; chunk {chunk.Index} cannot be added or changed."),
        };
    }

    /// <summary>
    /// exports.complete: marks the export complete once chunks 0..<c>Chunks</c>-1 are all stored (409 otherwise),
    /// dropping any beyond them. Completing it again with the same figures returns it unchanged.
    /// </summary>
    public async Task<ExportInfo> CompleteAsync(ExportCompleteRequest request, CancellationToken cancellationToken)
    {
        BackendError.CheckId(request.ExportId, "exportId");
        if (request.Chunks < 0 || request.Rows < 0 || request.Bytes < 0)
        {
            throw BackendError.BadRequest("chunks, rows and bytes must not be negative.");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var current = new NpgsqlCommand(
            "SELECT completed, chunks, rows, bytes, (SELECT count(*) FROM export_chunks WHERE export_id = @id AND index < @chunks) FROM exports WHERE id = @id FOR UPDATE",
            connection, transaction))
        {
            current.AddParameters(("id", request.ExportId), ("chunks", request.Chunks));
            await using var reader = await current.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw BackendError.NotFound($"Export {request.ExportId} does not exist.");
            }

            if (reader.GetBoolean(0))
            {
                if ((reader.GetInt32(1), reader.GetInt64(2), reader.GetInt64(3)) != (request.Chunks, request.Rows, request.Bytes))
                {
                    throw BackendError.Conflict($"Export {request.ExportId} is already complete with {reader.GetInt32(1)} chunks.");
                }

                await reader.DisposeAsync();
                return await GetAsync(new IdRequest(request.ExportId), cancellationToken);
            }

            if (reader.GetInt64(4) != request.Chunks)
            {
                throw BackendError.Conflict($"Export {request.ExportId} has {reader.GetInt64(4)} of its {request.Chunks} chunks.");
            }
        }

        await using (var complete = new NpgsqlCommand(
            "DELETE FROM export_chunks WHERE export_id = @id AND index >= @chunks; " +
            "UPDATE exports SET completed = true, chunks = @chunks, rows = @rows, bytes = @bytes, completed_at = now() WHERE id = @id",
            connection, transaction))
        {
            complete.AddParameters(("id", request.ExportId), ("chunks", request.Chunks), ("rows", request.Rows), ("bytes", request.Bytes));
            await complete.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return await GetAsync(new IdRequest(request.ExportId), cancellationToken);
    }

    /// <summary>exports.get: an export's description.</summary>
    public async Task<ExportInfo> GetAsync(IdRequest request, CancellationToken cancellationToken)
    {
        BackendError.CheckId(request.Id);
        await using var command = dataSource.Command($"SELECT {Columns} FROM exports WHERE id = @id", ("id", request.Id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw BackendError.NotFound($"Export {request.Id} does not exist.");
        }

        return new ExportInfo(
            reader.GetGuid(0),
            reader.GetGuid(1),
            reader.GetString(2),
            reader.GetJson(3, FluoJsonContext.Default.SignalFilter) ?? new SignalFilter(),
            reader.GetBoolean(4),
            reader.GetInt32(5),
            reader.GetInt64(6),
            reader.GetInt64(7),
            reader.GetFieldValue<DateTimeOffset>(8));
    }

    /// <summary>exports.chunk: one stored chunk.</summary>
    public async Task<ExportChunk> ChunkAsync(ExportChunkRequest request, CancellationToken cancellationToken)
    {
        BackendError.CheckId(request.ExportId, "exportId");
        if (request.Index < 0)
        {
            throw BackendError.BadRequest($"index must not be negative, not {request.Index}.");
        }

        await using var command = dataSource.Command("SELECT content FROM export_chunks WHERE export_id = @id AND index = @index", ("id", request.ExportId), ("index", request.Index));
        return await command.ExecuteScalarAsync(cancellationToken) is byte[] content
            ? new ExportChunk(request.ExportId, request.Index, content)
            : throw BackendError.NotFound($"Export {request.ExportId} has no chunk {request.Index}.");
    }
}
