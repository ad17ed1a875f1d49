using System.Diagnostics;
using System.Text.Json;
using Fluo.Api.Backend;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;
using Fluo.Nats;
using Fluo.Nats.JetStream;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Fluo.Api.Outbox;

/// <summary>
/// Publishes the outbox to JetStream. Each batch claims unsent rows in order (<c>FOR UPDATE SKIP LOCKED</c>, so Api
/// replicas share the work), publishes them asynchronously with <c>Nats-Msg-Id</c> = row id, awaits every ack and
/// marks the acknowledged rows sent in the same transaction; failed rows keep their place, with attempts and the last
/// error, and are retried with backoff. A crash between publish and mark re-publishes rows the stream then drops as
/// duplicates, so an accepted request is neither lost nor processed twice.
/// </summary>
internal sealed partial class OutboxRelay(
    NpgsqlDataSource dataSource,
    INatsConnection connection,
    INatsJSContext js,
    FluoTopologyReady topology,
    OutboxSignal signal,
    ApiMetrics metrics,
    IOptions<ApiOptions> options,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private readonly ApiOptions _options = options.Value;
    private long _lastBacklogCheck;
    private long _lastPurge = Environment.TickCount64;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Activity.Current = null;
        await topology.WaitAsync(stoppingToken);
        await using var publisher = js.CreatePublisher(new NatsJSPublisherOpts { MaxInFlight = 1024, AckTimeout = TimeSpan.FromSeconds(5) });
        var backoff = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            var (claimed, failed) = (0, 0);
            try
            {
                if (connection.ConnectionState == NatsConnectionState.Open)
                {
                    (claimed, failed) = await RelayBatchAsync(publisher, stoppingToken);
                }
                else
                {
                    failed = 1;
                    LogNatsDown(logger, connection.ConnectionState);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                failed = 1;
                LogBatchFailed(logger, ex);
            }

            if (failed > 0)
            {
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                await CheckBacklogAsync(force: true, stoppingToken);
                await Task.Delay(backoff, stoppingToken);
                continue;
            }

            backoff = TimeSpan.Zero;
            if (claimed < _options.RelayBatchSize)
            {
                await CheckBacklogAsync(force: false, stoppingToken);
                await PurgeIfDueAsync(stoppingToken);
                await signal.WaitAsync(_options.RelayPollInterval, stoppingToken);
            }
        }
    }

    /// <summary>Publishes one batch; returns how many rows it claimed and how many failed.</summary>
    internal async Task<(int Claimed, int Failed)> RelayBatchAsync(NatsJSPublisher publisher, CancellationToken cancellationToken)
    {
        await using var db = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.BeginTransactionAsync(cancellationToken);
        var rows = await ClaimAsync(db, transaction, cancellationToken);
        if (rows.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return (0, 0);
        }

        var futures = new NatsJSPublishFuture?[rows.Count];
        var errors = new string?[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            try
            {
                futures[i] = await PublishAsync(publisher, rows[i], cancellationToken);
            }
            catch (NatsException ex)
            {
                errors[i] = ex.Message;
            }
        }

        var sent = new List<Guid>(rows.Count);
        var kvCreates = new List<NatsJSPublishFuture>();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < rows.Count; i++)
        {
            if (futures[i] is not { } future)
            {
                continue;
            }

            try
            {
                await future;
                sent.Add(rows[i].Id);
                metrics.Lag.Record((now - rows[i].CreatedAt).TotalSeconds);
                if (Subjects.TypeOf(rows[i].Subject) is { } type)
                {
                    kvCreates.Add(await CreateQueuedStatusAsync(publisher, rows[i].Id, type, cancellationToken));
                }
            }
            catch (Exception ex) when (ex is NatsException or ObjectDisposedException)
            {
                errors[i] = ex.Message;
            }
        }

        foreach (var create in kvCreates)
        {
            try
            {
                await create;
            }
            catch (NatsJSApiException ex) when (ex.ErrorCode == NatsJSErrorCodes.WrongLastSequence)
            {
                // The worker already wrote a newer status: keep it.
            }
            catch (NatsException ex)
            {
                // The job is published; its status falls back to the database until the worker writes one.
                LogStatusNotCreated(logger, create.Subject, ex.Message);
            }
        }

        var failedIds = new List<Guid>();
        var failedErrors = new List<string>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (errors[i] is { } error)
            {
                failedIds.Add(rows[i].Id);
                failedErrors.Add(error);
            }
        }

        await MarkAsync(db, transaction, sent, failedIds, failedErrors, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        metrics.Published.Add(sent.Count);
        if (failedIds.Count > 0)
        {
            metrics.PublishFailures.Add(failedIds.Count);
            LogPublishFailed(logger, failedIds.Count, rows.Count, failedErrors[0]);
        }

        return (rows.Count, failedIds.Count);
    }

    private async Task<List<OutboxRow>> ClaimAsync(NpgsqlConnection db, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT id, subject, payload, headers::text, created_at FROM outbox WHERE sent_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED", db, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = _options.RelayBatchSize });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<OutboxRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new OutboxRow(reader.GetGuid(0), reader.GetString(1), (byte[])reader[2], reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return rows;
    }

    private static async Task MarkAsync(NpgsqlConnection db, NpgsqlTransaction transaction, List<Guid> sent, List<Guid> failed, List<string> errors, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(db, transaction);
        if (sent.Count > 0)
        {
            batch.BatchCommands.Add(OutboxCommands.Command(
                "UPDATE outbox SET sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1)", sent.ToArray()));
        }

        if (failed.Count > 0)
        {
            batch.BatchCommands.Add(OutboxCommands.Command(
                "UPDATE outbox AS o SET attempts = o.attempts + 1, last_error = f.error FROM unnest($1::uuid[], $2::text[]) AS f(id, error) WHERE o.id = f.id",
                failed.ToArray(), errors.ToArray()));
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Publishes a row inside a span that continues the stored trace, so the NATS publish span joins the HTTP request's trace.</summary>
    private static async ValueTask<NatsJSPublishFuture> PublishAsync(NatsJSPublisher publisher, OutboxRow row, CancellationToken cancellationToken)
    {
        var headers = ReadHeaders(row.Headers);
        var parent = ParentOf(headers);
        using var activity = StartRelayActivity(row.Subject, parent);
        if (Subjects.TypeOf(row.Subject) is not null)
        {
            headers ??= new NatsHeaders(3);
            headers[FluoHeaders.JobId] = row.Id.ToString();
        }

        return await publisher.PublishAsync<ReadOnlyMemory<byte>>(row.Subject, row.Payload, new NatsJSPubOpts { MsgId = row.Id.ToString() }, headers, cancellationToken: cancellationToken);
    }

    /// <summary>Creates the job's <c>queued</c> status only if the key has none (a KV create is a publish expecting subject sequence 0).</summary>
    private static ValueTask<NatsJSPublishFuture> CreateQueuedStatusAsync(NatsJSPublisher publisher, Guid jobId, JobType type, CancellationToken cancellationToken)
    {
        var status = new JobStatus(jobId, type, JobState.Queued, 0, 0, "queued", null, DateTimeOffset.UtcNow);
        return publisher.PublishAsync($"$KV.{FluoTopology.JobsBucket}.{JobStatusStore.KeyOf(jobId)}", status,
            new NatsJSPubOpts { ExpectedLastSubjectSequence = 0 }, cancellationToken: cancellationToken);
    }

    private static Activity? StartRelayActivity(string subject, ActivityContext parent)
    {
        var activity = ApiTelemetry.Source.StartActivity($"outbox relay {subject}", ActivityKind.Internal, parent);
        if (activity is null && parent != default)
        {
            // Nobody records Fluo.Api spans: still parent the NATS publish span on the stored context.
            activity = new Activity("outbox relay");
            activity.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
            activity.TraceStateString = parent.TraceState;
            activity.Start();
        }

        activity?.SetTag("messaging.destination.name", subject);
        return activity;
    }

    private static NatsHeaders? ReadHeaders(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        var headers = new NatsHeaders(3);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                headers[property.Name] = property.Value.GetString();
            }
        }

        return headers;
    }

    private static ActivityContext ParentOf(NatsHeaders? headers) =>
        headers?.GetLastValue("traceparent") is { } parent && ActivityContext.TryParse(parent, headers.GetLastValue("tracestate"), isRemote: true, out var context)
            ? context
            : default;

    private async Task CheckBacklogAsync(bool force, CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        if (!force && now - _lastBacklogCheck < 1000)
        {
            return;
        }

        _lastBacklogCheck = now;
        try
        {
            await using var command = dataSource.CreateCommand(
                "SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 FROM outbox WHERE sent_at IS NULL");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                metrics.SetBacklog(reader.GetInt64(0), reader.GetDouble(1));
            }
        }
        catch (NpgsqlException ex)
        {
            LogBatchFailed(logger, ex);
        }
    }

    private async Task PurgeIfDueAsync(CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        if (now - _lastPurge < (long)_options.OutboxPurgeInterval.TotalMilliseconds)
        {
            return;
        }

        _lastPurge = now;
        try
        {
            var deleted = await PurgeSentAsync(_options.OutboxRetention, cancellationToken);
            if (deleted > 0)
            {
                LogPurged(logger, deleted, _options.OutboxRetention);
            }
        }
        catch (NpgsqlException ex)
        {
            LogPurgeFailed(logger, ex);
        }
    }

    /// <summary>Deletes rows sent more than <paramref name="retention"/> ago, in bounded batches; returns how many went.</summary>
    /// <remarks>Only sent rows: an unsent row is an accepted request, kept until it is published.</remarks>
    internal async Task<int> PurgeSentAsync(TimeSpan retention, CancellationToken cancellationToken)
    {
        var total = 0;
        int deleted;
        do
        {
            await using var command = dataSource.CreateCommand(
                "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE sent_at < now() - $1 LIMIT 5000)");
            command.Parameters.Add(new NpgsqlParameter { Value = retention });
            deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            total += deleted;
        }
        while (deleted == 5000);

        return total;
    }

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Outbox relay deleted {Deleted} rows sent more than {Retention} ago")]
    private static partial void LogPurged(ILogger logger, int deleted, TimeSpan retention);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Outbox relay could not delete old sent rows; it tries again later")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Outbox relay: NATS is {State}; rows stay in the outbox until it is back")]
    private static partial void LogNatsDown(ILogger logger, NatsConnectionState state);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Outbox relay batch failed; retrying with backoff")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Outbox relay: {Failed} of {Claimed} messages not acknowledged ({Error}); they will be retried")]
    private static partial void LogPublishFailed(ILogger logger, int failed, int claimed, string error);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Job status not created on {Subject}: {Error}")]
    private static partial void LogStatusNotCreated(ILogger logger, string subject, string error);
}
