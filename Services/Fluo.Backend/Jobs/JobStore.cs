using System.Text.Json;
using Fluo.Backend.Data;
using Fluo.Backend.Hosting;
using Fluo.Contracts;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Jobs;
using Npgsql;
using NpgsqlTypes;

namespace Fluo.Backend.Jobs;

/// <summary>Reads the jobs the Api records and records the state workers finish them in.</summary>
internal sealed class JobStore(NpgsqlDataSource dataSource, ILogger<JobStore> logger)
{
    /// <summary>The largest <see cref="JobListRequest.Limit"/>.</summary>
    public const int MaxList = 500;

    private const string Columns = "id, type, state, created_at, updated_at, subject, status";

    /// <summary><see cref="Columns"/> of the table aliased <c>j</c>.</summary>
    private const string JobColumns = "j.id, j.type, j.state, j.created_at, j.updated_at, j.subject, j.status";

    /// <summary>jobs.get: one job by id.</summary>
    public async Task<JobRecord> GetAsync(IdRequest request, CancellationToken cancellationToken)
    {
        BackendError.CheckId(request.Id);
        await using var command = dataSource.Command($"SELECT {Columns} FROM jobs WHERE id = @id", ("id", request.Id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : throw BackendError.NotFound($"Job {request.Id} does not exist.");
    }

    /// <summary>jobs.list: the newest jobs, optionally in one state.</summary>
    public async Task<JobList> ListAsync(JobListRequest request, CancellationToken cancellationToken)
    {
        BackendError.CheckLimit(request.Limit, MaxList);
        if (request.State is { } s)
        {
            BackendError.CheckDefined(s, "state");
        }

        await using var command = request.State is { } state
            ? dataSource.Command($"SELECT {Columns} FROM jobs WHERE state = @state ORDER BY created_at DESC, id DESC LIMIT @limit", ("state", DbNames.Of(state)), ("limit", request.Limit))
            : dataSource.Command($"SELECT {Columns} FROM jobs ORDER BY created_at DESC, id DESC LIMIT @limit", ("limit", request.Limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var jobs = new List<JobRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(Read(reader));
        }

        return new JobList(jobs);
    }

    /// <summary>
    /// jobs.complete: records the state (and the status document) a worker reports. A finished job does not go back
    /// to queued or running (409), a status for another kind of job is refused (409), an unknown job is 404.
    /// </summary>
    public Task<JobRecord> CompleteAsync(JobStatus status, CancellationToken cancellationToken) =>
        BackendBatches.SingleAsync(CompleteBatchAsync(new BatchRequest<JobStatus>([status]), cancellationToken));

    /// <summary>jobs.complete.batch: <see cref="CompleteAsync"/> for each status, in one round trip and one transaction, an outcome per status.</summary>
    public Task<BatchReply<JobRecord>> CompleteBatchAsync(BatchRequest<JobStatus> request, CancellationToken cancellationToken) =>
        BackendBatches.RunAsync<JobStatus, JobRecord>(request, Check, CompleteAllAsync, logger, cancellationToken);

    /// <summary>Throws the 400 for a status that cannot be recorded.</summary>
    public static void Check(JobStatus status)
    {
        BackendError.CheckId(status.JobId, "jobId");
        BackendError.CheckDefined(status.Type, "type");
        BackendError.CheckDefined(status.State, "state");
        if (!double.IsFinite(status.Progress) || status.Progress is < 0 or > 1)
        {
            throw BackendError.BadRequest($"progress must be between 0 and 1, not {status.Progress}.");
        }
    }

    /// <summary>Records checked <paramref name="statuses"/> in one round trip: an outcome per status (404 or 409 for a refused change).</summary>
    public async Task<BatchOutcome<JobRecord>[]> CompleteAllAsync(IReadOnlyList<JobStatus> statuses, CancellationToken cancellationToken)
    {
        var outcomes = new BatchOutcome<JobRecord>[statuses.Count];
        await using (var batch = dataSource.CreateBatch())
        {
            AddCompletions(batch, statuses);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await ReadCompletionsAsync(reader, outcomes, cancellationToken);
        }

        await ExplainRefusedAsync(statuses, outcomes, cancellationToken);
        return outcomes;
    }

    /// <summary>
    /// Adds to <paramref name="batch"/> the statements that record checked <paramref name="statuses"/>; their results
    /// are the batch's last, for <see cref="ReadCompletionsAsync"/>. With <paramref name="signalRules"/> (per status, the
    /// rules it raised signals for, in order), each status is recorded with the ids of its job's signals for those rules
    /// as its analysis result's <c>signalIds</c>, read from the table by the same transaction, so after the batch's own
    /// inserts: the signals and the completion that names them take one round trip.
    /// </summary>
    public static void AddCompletions(NpgsqlBatch batch, IReadOnlyList<JobStatus> statuses, IReadOnlyList<IReadOnlyList<Guid>>? signalRules = null)
    {
        // One UPDATE for all when the changes are allowed: the conditions are in the UPDATE, which re-checks them on the
        // newest row version if a concurrent writer got there first. In job id order, so that batches touching the same
        // jobs lock them in the same order. One UPDATE changes a row once, so a job reported twice in the batch is changed
        // by a second UPDATE after the first, as two requests in turn would have.
        var rounds = Enumerable.Range(0, statuses.Count)
            .GroupBy(i => statuses[i].JobId)
            .SelectMany(job => job.Select((item, round) => (Item: item, Round: round)))
            .GroupBy(x => x.Round, x => x.Item)
            .OrderBy(round => round.Key)
            .Select(round => round.OrderBy(i => statuses[i].JobId).ToArray())
            .ToList();
        foreach (var items in rounds)
        {
            // Each status's rules are a slice of one flat array, as SQL arrays cannot be ragged.
            var rules = new List<Guid>();
            var (lows, highs) = (new int[items.Length], new int[items.Length]);
            for (var k = 0; k < items.Length && signalRules is not null; k++)
            {
                lows[k] = rules.Count + 1;
                rules.AddRange(signalRules[items[k]]);
                highs[k] = rules.Count;
            }

            var status = signalRules is null
                ? "s.status"
                : "jsonb_set(s.status, '{result,analysis,signalIds}', (SELECT coalesce(jsonb_agg(g.id ORDER BY array_position((@rules::uuid[])[s.lo:s.hi], g.rule_id)), '[]'::jsonb) " +
                  "FROM signals AS g WHERE g.job_id = s.id AND g.rule_id = ANY((@rules::uuid[])[s.lo:s.hi])))";
            var update = DataSourceExtensions.BatchCommand(
                $"UPDATE jobs AS j SET state = s.state, status = {status}, updated_at = now() " +
                "FROM unnest(@items, @ids, @types, @states, @finals, @statuses, @lows, @highs) AS s(item, id, type, state, final, status, lo, hi) " +
                $"WHERE j.id = s.id AND j.type = s.type AND (s.final OR j.state <> ALL(@finalStates)) RETURNING s.item, {JobColumns}",
                ("items", items),
                ("ids", items.Select(i => statuses[i].JobId).ToArray()),
                ("types", items.Select(i => DbNames.Of(statuses[i].Type)).ToArray()),
                ("states", items.Select(i => DbNames.Of(statuses[i].State)).ToArray()),
                ("finals", items.Select(i => DbNames.IsFinal(statuses[i].State)).ToArray()),
                ("lows", lows),
                ("highs", highs),
                ("finalStates", DbNames.FinalStates));
            update.Parameters.Add(new NpgsqlParameter("statuses", NpgsqlDbType.Array | NpgsqlDbType.Jsonb)
            {
                Value = items.Select(i => JsonSerializer.Serialize(statuses[i], FluoJsonContext.Default.JobStatus)).ToArray(),
            });
            if (signalRules is not null)
            {
                update.Parameters.AddWithValue("rules", rules.ToArray());
            }

            batch.BatchCommands.Add(update);
        }
    }

    /// <summary>Reads the results of <see cref="AddCompletions"/>' statements, the rest of <paramref name="reader"/>: the recorded changes.</summary>
    public static async Task ReadCompletionsAsync(NpgsqlDataReader reader, BatchOutcome<JobRecord>[] outcomes, CancellationToken cancellationToken)
    {
        do
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                outcomes[reader.GetInt32(0)] = new BatchOutcome<JobRecord>(Read(reader, 1));
            }
        }
        while (await reader.NextResultAsync(cancellationToken));
    }

    /// <summary>Gives each status the batch did not record its refusal (404 or 409); only refused changes read their rows to explain.</summary>
    public async Task ExplainRefusedAsync(IReadOnlyList<JobStatus> statuses, BatchOutcome<JobRecord>[] outcomes, CancellationToken cancellationToken)
    {
        var refused = Enumerable.Range(0, statuses.Count).Where(i => outcomes[i] is null).ToList();
        if (refused.Count > 0)
        {
            await ExplainAsync(statuses, refused, outcomes, cancellationToken);
        }
    }

    private async Task ExplainAsync(IReadOnlyList<JobStatus> statuses, List<int> refused, BatchOutcome<JobRecord>[] outcomes, CancellationToken cancellationToken)
    {
        var current = new Dictionary<Guid, (JobType Type, JobState State)>();
        await using (var command = dataSource.Command("SELECT id, type, state FROM jobs WHERE id = ANY(@ids)", ("ids", refused.Select(i => statuses[i].JobId).Distinct().ToArray())))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                current[reader.GetGuid(0)] = (DbNames.JobTypeOf(reader.GetString(1)), DbNames.JobStateOf(reader.GetString(2)));
            }
        }

        foreach (var i in refused)
        {
            var status = statuses[i];
            outcomes[i] = BackendBatches.Failed<JobRecord>(!current.TryGetValue(status.JobId, out var row)
                ? BackendError.NotFound($"Job {status.JobId} does not exist.")
                : row.Type != status.Type
                    ? BackendError.Conflict($"Job {status.JobId} is a {DbNames.Of(row.Type)} job, not {DbNames.Of(status.Type)}.")
                    : BackendError.Conflict($"Job {status.JobId} is already {DbNames.Of(row.State)}; it cannot become {DbNames.Of(status.State)}."));
        }
    }

    /// <summary>Reads <see cref="Columns"/>, starting at column <paramref name="at"/>.</summary>
    private static JobRecord Read(NpgsqlDataReader reader, int at = 0) => new(
        reader.GetGuid(at),
        DbNames.JobTypeOf(reader.GetString(at + 1)),
        DbNames.JobStateOf(reader.GetString(at + 2)),
        reader.GetFieldValue<DateTimeOffset>(at + 3),
        reader.GetFieldValue<DateTimeOffset>(at + 4),
        reader.GetString(at + 5),
        reader.GetJson(at + 6, FluoJsonContext.Default.JobStatus));
}
