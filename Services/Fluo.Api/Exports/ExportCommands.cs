using System.Text.Json;
using Fluo.Api.Outbox;
using Fluo.Contracts;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Signals;
using Npgsql;
using NpgsqlTypes;

namespace Fluo.Api.Exports;

/// <summary>Creates an export: the <c>exports</c> row, its data_export job and the outbox message in one transaction.</summary>
internal sealed class ExportCommands(NpgsqlDataSource dataSource, CommittedOutbox outbox)
{
    public async Task<(Guid ExportId, Guid JobId)> CreateAsync(string format, SignalFilter filter, string? traceHeaders, CancellationToken cancellationToken)
    {
        var exportId = Guid.CreateVersion7();
        var jobId = Guid.CreateVersion7();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var insert = OutboxCommands.Command("INSERT INTO exports (id, job_id, format, filter) VALUES ($1, $2, $3, $4)", exportId, jobId, format);
        insert.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(filter, FluoJsonContext.Default.SignalFilter), NpgsqlDbType = NpgsqlDbType.Jsonb });
        batch.BatchCommands.Add(insert);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new DataExportJob(jobId, exportId, format, filter), FluoJsonContext.Default.DataExportJob);
        var row = OutboxCommands.AddJob(batch, jobId, JobType.DataExport, payload, traceHeaders);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.Add([row]);
        return (exportId, jobId);
    }
}
