using System.Text.Json;
using Fluo.Api.Apis;
using Fluo.Api.Outbox;
using Fluo.Contracts;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Traces;
using Npgsql;
using NpgsqlTypes;

namespace Fluo.Api.Traces;

/// <summary>
/// Stores traces and queues their analysis: per trace an upsert into <c>traces</c>, a queued trace_analysis job and
/// its outbox message, all in one transaction (one round trip), then wakes the relay.
/// </summary>
internal sealed class TraceIntake(NpgsqlDataSource dataSource, OutboxSignal signal, ApiMetrics metrics)
{
    private const string UpsertTrace =
        "INSERT INTO traces (trace_id, document, span_count) VALUES ($1, $2, $3) " +
        "ON CONFLICT (trace_id) DO UPDATE SET document = EXCLUDED.document, span_count = EXCLUDED.span_count, received_at = now()";

    /// <summary>Accepts <paramref name="traces"/>; returns each trace with its job.</summary>
    public async Task<IReadOnlyList<TraceAccepted>> AcceptAsync(IReadOnlyList<TraceDocument> traces, string? traceHeaders, CancellationToken cancellationToken)
    {
        var accepted = new List<TraceAccepted>(traces.Count);
        var acceptedAt = DateTimeOffset.UtcNow;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var trace in traces)
        {
            var jobId = Guid.CreateVersion7();
            var upsert = OutboxCommands.Command(UpsertTrace, trace.TraceId);
            upsert.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(trace, FluoJsonContext.Default.TraceDocument), NpgsqlDbType = NpgsqlDbType.Jsonb });
            upsert.Parameters.Add(new NpgsqlParameter { Value = trace.Spans.Count });
            batch.BatchCommands.Add(upsert);
            var payload = JsonSerializer.SerializeToUtf8Bytes(new TraceAnalysisJob(jobId, trace, acceptedAt), FluoJsonContext.Default.TraceAnalysisJob);
            OutboxCommands.AddJob(batch, jobId, JobType.TraceAnalysis, payload, traceHeaders);
            accepted.Add(new TraceAccepted(trace.TraceId, jobId));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signal.Notify();
        metrics.TracesAccepted.Add(traces.Count);
        return accepted;
    }
}
