using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Fluo.Api.Apis;
using Fluo.Api.Outbox;
using Fluo.Contracts;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Traces;
using Fluo.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Fluo.Api.Traces;

/// <summary>
/// Stores traces and queues their analysis: per trace an upsert into <c>traces</c>, a queued trace_analysis job and
/// its outbox message, committed together, then hands the messages to the relay. Requests that arrive while a write
/// is in progress are written together by one writer, in one transaction (one round trip, one statement per table and
/// one commit for all of them), so the database's cost per trace falls as load rises; a small batch first waits
/// <see cref="ApiOptions.IntakeLinger"/> for company. A request is answered only after the transaction holding it has committed.
/// </summary>
internal sealed class TraceIntake : IAsyncDisposable
{
    /// <summary>Traces written in one transaction at most (a larger single request is still written whole).</summary>
    internal const int MaxBatchTraces = 1_000;

    /// <summary>A batch this small waits <see cref="ApiOptions.IntakeLinger"/> for company; a larger one is written at once.</summary>
    private const int LingerBelow = 16;

    private const string UpsertTraces =
        "INSERT INTO traces (trace_id, document, span_count) SELECT * FROM unnest($1::text[], $2::json[], $3::int[]) " +
        "ON CONFLICT (trace_id) DO UPDATE SET document = EXCLUDED.document, span_count = EXCLUDED.span_count, received_at = now()";

    private readonly NpgsqlDataSource _dataSource;
    private readonly CommittedOutbox _outbox;
    private readonly ApiMetrics _metrics;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TimeSpan _linger;
    private readonly Task _writer;

    /// <summary>Starts the writer.</summary>
    public TraceIntake(NpgsqlDataSource dataSource, CommittedOutbox outbox, ApiMetrics metrics, IOptions<ApiOptions> options)
    {
        _dataSource = dataSource;
        _outbox = outbox;
        _metrics = metrics;
        _linger = options.Value.IntakeLinger;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Accepts <paramref name="traces"/>; returns each trace with its job once they are committed.</summary>
    /// <remarks>
    /// <paramref name="cancellationToken"/> only stops the waiting: a queued request is written regardless, as it
    /// would have been had the client gone away just after the commit.
    /// </remarks>
    public Task<IReadOnlyList<TraceAccepted>> AcceptAsync(IReadOnlyList<TraceDocument> traces, string? traceHeaders, CancellationToken cancellationToken)
    {
        // Serialised here, on the request's thread, so the single writer only assembles and sends.
        var acceptedAt = DateTimeOffset.UtcNow;
        var rows = new TraceRow[traces.Count];
        for (var i = 0; i < traces.Count; i++)
        {
            var trace = traces[i];
            var jobId = Guid.CreateVersion7();
            var document = JsonSerializer.SerializeToUtf8Bytes(trace, FluoJsonContext.Default.TraceDocument);
            rows[i] = new TraceRow(trace.TraceId, Encoding.UTF8.GetString(document), trace.Spans.Count, jobId, TraceAnalysisJobJson.Write(jobId, document, acceptedAt));
        }

        var pending = new Pending(rows, traceHeaders, Activity.Current?.Context ?? default);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(TraceIntake), "The Api is shutting down.");
        }

        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Writes what is queued, then stops the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            var traces = Drain(batch, 0);
            if (traces < LingerBelow && _linger > TimeSpan.Zero)
            {
                await Task.Delay(_linger);
                traces = Drain(batch, traces);
            }

            try
            {
                await WriteAsync(batch, traces);
                batch.ForEach(p => p.Succeed());
            }
            catch (Exception ex) when (batch.Count > 1 && ex is PostgresException { IsTransient: false })
            {
                // One request's data may be what the database refused: give each its own transaction and answer.
                foreach (var pending in batch)
                {
                    await WriteAloneAsync(pending);
                }
            }
            catch (Exception ex)
            {
                batch.ForEach(p => p.Done.TrySetException(ex));
            }

            batch.Clear();
        }
    }

    private int Drain(List<Pending> batch, int traces)
    {
        while (traces < MaxBatchTraces && _queue.Reader.TryRead(out var pending))
        {
            batch.Add(pending);
            traces += pending.Rows.Length;
        }

        return traces;
    }

    private async Task WriteAloneAsync(Pending pending)
    {
        try
        {
            await WriteAsync([pending], pending.Rows.Length);
            pending.Succeed();
        }
        catch (Exception ex)
        {
            pending.Done.TrySetException(ex);
        }
    }

    private async Task WriteAsync(List<Pending> batch, int traces)
    {
        using var activity = ApiTelemetry.Source.StartBatchActivity("trace intake write", batch, static p => p.Parent);
        activity?.SetTag("fluo.intake.requests", batch.Count);
        activity?.SetTag("fluo.intake.traces", traces);

        // No explicit transaction: a batch goes out with one Sync, so PostgreSQL runs its statements in one implicit
        // transaction, all or none, and commits it before answering. BEGIN and COMMIT would add a round trip per write.
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var commands = new NpgsqlBatch(connection);

        // A set-based statement per table for the whole batch. One statement may not upsert a row twice, so a trace sent
        // again within the batch is written once, as its last copy (what upserting each in turn would have left).
        var latest = new Dictionary<string, TraceRow>(traces, StringComparer.Ordinal);
        var jobs = new List<QueuedJob>(traces);
        foreach (var pending in batch)
        {
            foreach (var row in pending.Rows)
            {
                latest[row.TraceId] = row;
                jobs.Add(new QueuedJob(row.JobId, row.JobPayload, pending.TraceHeaders, row.TraceId));
            }
        }

        var upsert = new NpgsqlBatchCommand(UpsertTraces);
        upsert.Parameters.Add(new NpgsqlParameter { Value = latest.Keys.ToArray() });
        upsert.Parameters.Add(new NpgsqlParameter { Value = latest.Values.Select(r => r.Document).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Json });
        upsert.Parameters.Add(new NpgsqlParameter { Value = latest.Values.Select(r => r.SpanCount).ToArray() });
        commands.BatchCommands.Add(upsert);
        var outboxRows = OutboxCommands.AddJobs(commands, JobType.TraceAnalysis, jobs);
        await commands.ExecuteNonQueryAsync();
        _outbox.Add(outboxRows);
        _metrics.TracesAccepted.Add(traces);
    }

    private sealed record TraceRow(string TraceId, string Document, int SpanCount, Guid JobId, byte[] JobPayload);

    private sealed class Pending(TraceRow[] rows, string? traceHeaders, ActivityContext parent)
    {
        public TraceRow[] Rows { get; } = rows;

        public string? TraceHeaders { get; } = traceHeaders;

        public ActivityContext Parent { get; } = parent;

        public TaskCompletionSource<IReadOnlyList<TraceAccepted>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Succeed() => Done.TrySetResult([.. Rows.Select(r => new TraceAccepted(r.TraceId, r.JobId))]);
    }
}
