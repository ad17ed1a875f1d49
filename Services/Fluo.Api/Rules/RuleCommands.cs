using System.Text.Json;
using Fluo.Api.Apis;
using Fluo.Api.Outbox;
using Fluo.Contracts;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;
using Fluo.Contracts.Rules;
using Fluo.Nats;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Fluo.Api.Rules;

/// <summary>The outcome of a rule write.</summary>
internal enum RuleWriteStatus
{
    /// <summary>Written.</summary>
    Ok,

    /// <summary>No such (undeleted) rule.</summary>
    NotFound,

    /// <summary>Another rule has the name.</summary>
    DuplicateName,

    /// <summary>The rule is no longer at the version the caller expected.</summary>
    VersionMismatch,
}

/// <summary>A validated rule write.</summary>
internal sealed record RuleDraft(string Name, Severity Severity, bool Enabled, string Expression);

/// <summary>
/// Rule writes: each insert or update goes with a queued rule_validation back-test and its outbox message in one
/// transaction; deletes are soft.
/// </summary>
internal sealed partial class RuleCommands(NpgsqlDataSource dataSource, CommittedOutbox outbox, IOptions<ApiOptions> options, INatsConnection nats, ILogger<RuleCommands> logger)
{
    private const string Columns = "id, name, severity, enabled, expression, created_at, updated_at, version";

    public async Task<(RuleWriteStatus Status, RuleResponse? Rule)> CreateAsync(RuleDraft draft, string? traceHeaders, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        return await WriteAsync(
            OutboxCommands.Command($"INSERT INTO rules (id, name, severity, enabled, expression) VALUES ($1, $2, $3, $4, $5) RETURNING {Columns}",
                id, draft.Name, SeverityName(draft.Severity), draft.Enabled, draft.Expression),
            id, draft, traceHeaders, cancellationToken);
    }

    public async Task<(RuleWriteStatus Status, RuleResponse? Rule)> UpdateAsync(Guid id, RuleDraft draft, int? expectedVersion, string? traceHeaders, CancellationToken cancellationToken)
    {
        var result = await WriteAsync(
            OutboxCommands.Command(
                $"UPDATE rules SET name = $2, severity = $3, enabled = $4, expression = $5, version = version + 1, updated_at = now() " +
                $"WHERE id = $1 AND NOT deleted AND ($6::integer IS NULL OR version = $6) RETURNING {Columns}",
                id, draft.Name, SeverityName(draft.Severity), draft.Enabled, draft.Expression, expectedVersion),
            id, draft, traceHeaders, cancellationToken);
        if (result.Status == RuleWriteStatus.NotFound && expectedVersion is not null && await ExistsAsync(id, cancellationToken))
        {
            return (RuleWriteStatus.VersionMismatch, null);
        }

        return result;
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE rules SET deleted = true, version = version + 1, updated_at = now() WHERE id = $1 AND NOT deleted");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        if (deleted)
        {
            await AnnounceAsync(id);
        }

        return deleted;
    }

    /// <summary>Tells workers (core NATS, best effort: their cache also expires by itself) that the rules changed.</summary>
    private async Task AnnounceAsync(Guid ruleId)
    {
        try
        {
            await nats.PublishAsync(Subjects.RulesChanged, ruleId.ToString("N"));
        }
        catch (NatsException ex)
        {
            LogAnnounceFailed(logger, ruleId, ex.Message);
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Could not announce the change of rule {RuleId} to workers ({Reason}); their caches expire by themselves")]
    private static partial void LogAnnounceFailed(ILogger logger, Guid ruleId, string reason);

    private async Task<(RuleWriteStatus Status, RuleResponse? Rule)> WriteAsync(NpgsqlBatchCommand write, Guid ruleId, RuleDraft draft, string? traceHeaders, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(write);
        RuleResponse? rule = null;
        var jobId = Guid.CreateVersion7();
        OutboxRow queued;
        try
        {
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    rule = new RuleResponse(reader.GetGuid(0), reader.GetString(1), draft.Severity, reader.GetBoolean(3), reader.GetString(4),
                        reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6), reader.GetInt32(7), jobId);
                }
            }

            if (rule is null)
            {
                await transaction.RollbackAsync(cancellationToken);
                return (RuleWriteStatus.NotFound, null);
            }

            await using var queue = new NpgsqlBatch(connection, transaction);
            var payload = JsonSerializer.SerializeToUtf8Bytes(
                new RuleValidationJob(jobId, ruleId, draft.Expression, options.Value.BacktestSampleSize), FluoJsonContext.Default.RuleValidationJob);
            queued = OutboxCommands.AddJob(queue, jobId, JobType.RuleValidation, payload, traceHeaders);
            await queue.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return (RuleWriteStatus.DuplicateName, null);
        }

        outbox.Add([queued]);
        await AnnounceAsync(ruleId);
        return (RuleWriteStatus.Ok, rule);
    }

    private async Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT 1 FROM rules WHERE id = $1 AND NOT deleted");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private static string SeverityName(Severity severity) => severity.ToString().ToLowerInvariant();
}
