using System.Text;
using Fluo.Backend.Data;
using Fluo.Backend.Hosting;
using Fluo.Backend.Jobs;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Signals;
using Npgsql;

namespace Fluo.Backend.Signals;

/// <summary>Records the signals trace analysis raises and answers the queries about them.</summary>
internal sealed class SignalStore(NpgsqlDataSource dataSource, JobStore jobs, ILogger<SignalStore> logger)
{
    /// <summary>The largest page.</summary>
    public const int MaxPage = 1_000;

    /// <summary>
    /// signals.record: inserts one open signal per violation unless the job already recorded one for that rule, and
    /// returns the job's signals for those rules, so a repeated call returns the same ids with <c>Created</c> 0. A
    /// request's <see cref="RecordSignalsRequest.Completion"/> is then recorded as jobs.complete records a status, with
    /// those signals' ids as its result: its refusal (404, 409) is the request's, the signals staying recorded for a retry.
    /// </summary>
    public Task<RecordSignalsReply> RecordAsync(RecordSignalsRequest request, CancellationToken cancellationToken) =>
        BackendBatches.SingleAsync(RecordBatchAsync(new BatchRequest<RecordSignalsRequest>([request]), cancellationToken));

    /// <summary>signals.record.batch: <see cref="RecordAsync"/> for each job, in one round trip and one transaction, an outcome per job.</summary>
    public Task<BatchReply<RecordSignalsReply>> RecordBatchAsync(BatchRequest<RecordSignalsRequest> request, CancellationToken cancellationToken) =>
        BackendBatches.RunAsync<RecordSignalsRequest, RecordSignalsReply>(request, Check, RecordAllAsync, logger, cancellationToken);

    private static void Check(RecordSignalsRequest request)
    {
        BackendError.CheckId(request.JobId, "jobId");
        if (string.IsNullOrWhiteSpace(request.TraceId))
        {
            throw BackendError.BadRequest("traceId is required.");
        }

        var violations = request.Violations ?? [];
        foreach (var violation in violations)
        {
            if (violation is null || violation.RuleId == Guid.Empty || string.IsNullOrWhiteSpace(violation.RuleName) || violation.OffendingSpanIds is null)
            {
                throw BackendError.BadRequest("Every violation needs a ruleId, a ruleName and offendingSpanIds.");
            }

            BackendError.CheckDefined(violation.Severity, "severity");
        }

        if (violations.Select(v => v.RuleId).Distinct().Count() != violations.Count)
        {
            throw BackendError.BadRequest("A rule can be violated only once per job.");
        }

        if (request.Completion is { } completion)
        {
            JobStore.Check(completion);
            if (completion.JobId != request.JobId || completion.Type != JobType.TraceAnalysis || completion.State != JobState.Succeeded || completion.Result?.Analysis is null)
            {
                throw BackendError.BadRequest($"completion must be the succeeded status of the trace_analysis job {request.JobId}, with its analysis result.");
            }
        }
    }

    private async Task<BatchOutcome<RecordSignalsReply>[]> RecordAllAsync(IReadOnlyList<RecordSignalsRequest> requests, CancellationToken cancellationToken)
    {
        // In (job, rule) order, so that batches recording the same jobs take the unique keys' locks in the same order.
        var rows = requests
            .SelectMany((request, item) => (request.Violations ?? []).Select(violation => (Item: item, Request: request, Violation: violation)))
            .OrderBy(r => r.Request.JobId).ThenBy(r => r.Violation.RuleId)
            .ToList();
        var completing = Enumerable.Range(0, requests.Count).Where(i => requests[i].Completion is not null).ToList();
        var statuses = completing.Select(i => requests[i].Completion!).ToList();
        var completed = new BatchOutcome<JobRecord>[completing.Count];
        var inserted = new Dictionary<Guid, int>();
        var signals = new Dictionary<(Guid Job, Guid Rule), Signal>(rows.Count);

        // One round trip and one transaction whatever the number of rows: the inserts, then the jobs' signals for these
        // rules (which a concurrent or earlier call may have inserted: ON CONFLICT waits for it and then keeps its row),
        // then the completions, which name the signals the statements before them recorded.
        await using (var batch = dataSource.CreateBatch())
        {
            if (rows.Count > 0)
            {
                AddInserts(batch, rows);
            }

            if (completing.Count > 0)
            {
                JobStore.AddCompletions(batch, statuses, [.. completing.Select(i => (IReadOnlyList<Guid>)[.. (requests[i].Violations ?? []).Select(v => v.RuleId)])]);
            }

            if (batch.BatchCommands.Count > 0)
            {
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
                if (rows.Count > 0)
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        var job = reader.GetGuid(0);
                        inserted[job] = inserted.GetValueOrDefault(job) + 1;
                    }

                    await reader.NextResultAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        var signal = SignalRows.Read(reader);
                        signals[(signal.JobId, signal.RuleId)] = signal;
                    }

                    await reader.NextResultAsync(cancellationToken);
                }

                if (completing.Count > 0)
                {
                    await JobStore.ReadCompletionsAsync(reader, completed, cancellationToken);
                }
            }
        }

        if (completing.Count > 0)
        {
            await jobs.ExplainRefusedAsync(statuses, completed, cancellationToken);
        }

        // A job twice in the batch (two deliveries at once) has its signals inserted once: the first item says so.
        var outcomes = new BatchOutcome<RecordSignalsReply>[requests.Count];
        for (var item = 0; item < requests.Count; item++)
        {
            var request = requests[item];
            var created = inserted.Remove(request.JobId, out var count) ? count : 0;
            // Each job's signals in the order of its violations.
            var recorded = (request.Violations ?? []).Select(v => signals[(request.JobId, v.RuleId)]).ToList();
            outcomes[item] = new BatchOutcome<RecordSignalsReply>(new RecordSignalsReply(recorded, created));
        }

        for (var j = 0; j < completing.Count; j++)
        {
            var i = completing[j];
            outcomes[i] = completed[j].Value is { } job
                ? new BatchOutcome<RecordSignalsReply>(outcomes[i].Value! with { Job = job })
                : new BatchOutcome<RecordSignalsReply>(Error: completed[j].Error);
        }

        return outcomes;
    }

    /// <summary>Adds the inserts of <paramref name="rows"/> and then the read of their jobs' signals for their rules.</summary>
    private static void AddInserts(NpgsqlBatch batch, List<(int Item, RecordSignalsRequest Request, Violation Violation)> rows)
    {
        // Each row's span ids are a slice of one flat array, as SQL arrays cannot be ragged.
        var spans = new List<string>();
        var (lows, highs) = (new int[rows.Count], new int[rows.Count]);
        for (var i = 0; i < rows.Count; i++)
        {
            lows[i] = spans.Count + 1;
            spans.AddRange(rows[i].Violation.OffendingSpanIds);
            highs[i] = spans.Count;
        }

        batch.BatchCommands.Add(DataSourceExtensions.BatchCommand(
            "INSERT INTO signals (id, rule_id, rule_name, trace_id, job_id, offending_span_ids, severity, status) " +
            "SELECT r.id, r.rule_id, r.rule_name, r.trace_id, r.job_id, (@spans::text[])[r.lo:r.hi], r.severity, 'open' " +
            "FROM unnest(@ids, @ruleIds, @ruleNames, @traceIds, @jobIds, @lows, @highs, @severities) " +
            "AS r(id, rule_id, rule_name, trace_id, job_id, lo, hi, severity) " +
            "ON CONFLICT (job_id, rule_id) DO NOTHING RETURNING job_id",
            ("spans", spans.ToArray()),
            ("ids", rows.Select(_ => Guid.CreateVersion7()).ToArray()),
            ("ruleIds", rows.Select(r => r.Violation.RuleId).ToArray()),
            ("ruleNames", rows.Select(r => r.Violation.RuleName).ToArray()),
            ("traceIds", rows.Select(r => r.Request.TraceId).ToArray()),
            ("jobIds", rows.Select(r => r.Request.JobId).ToArray()),
            ("lows", lows),
            ("highs", highs),
            ("severities", rows.Select(r => DbNames.Of(r.Violation.Severity)).ToArray())));
        batch.BatchCommands.Add(DataSourceExtensions.BatchCommand(
            $"SELECT {SignalRows.Columns} FROM signals WHERE (job_id, rule_id) IN (SELECT j, r FROM unnest(@jobIds, @ruleIds) AS k(j, r))",
            ("jobIds", rows.Select(r => r.Request.JobId).ToArray()), ("ruleIds", rows.Select(r => r.Violation.RuleId).ToArray())));
    }

    public async Task<Signal> GetAsync(IdRequest request, CancellationToken cancellationToken)
    {
        BackendError.CheckId(request.Id);
        await using var command = dataSource.Command($"SELECT {SignalRows.Columns} FROM signals WHERE id = @id", ("id", request.Id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? SignalRows.Read(reader) : throw BackendError.NotFound($"Signal {request.Id} does not exist.");
    }

    /// <summary>signals.list: a page of the signals matching the filter, newest first, with the total count.</summary>
    public async Task<SignalPage> ListAsync(SignalQuery query, CancellationToken cancellationToken)
    {
        BackendError.CheckLimit(query.Limit, MaxPage);
        if (query.Offset < 0)
        {
            throw BackendError.BadRequest($"offset must not be negative, not {query.Offset}.");
        }

        var filter = query.Filter ?? new SignalFilter();
        if (filter.Status is { } s)
        {
            BackendError.CheckDefined(s, "status");
        }

        if (filter.Severity is { } v)
        {
            BackendError.CheckDefined(v, "severity");
        }

        var where = new StringBuilder("TRUE");
        var parameters = new List<(string, object?)>();
        void Add(string column, string name, object value)
        {
            where.Append(" AND ").Append(column).Append(" = @").Append(name);
            parameters.Add((name, value));
        }

        if (filter.TraceId is { } traceId)
        {
            Add("trace_id", "traceId", traceId);
        }

        if (filter.RuleId is { } ruleId)
        {
            Add("rule_id", "ruleId", ruleId);
        }

        if (filter.Status is { } status)
        {
            Add("status", "status", DbNames.Of(status));
        }

        if (filter.Severity is { } severity)
        {
            Add("severity", "severity", DbNames.Of(severity));
        }

        await using var batch = dataSource.CreateBatch();
        var page = new NpgsqlBatchCommand($"SELECT {SignalRows.Columns} FROM signals WHERE {where} ORDER BY created_at DESC, id DESC OFFSET @offset LIMIT @limit");
        // Status and severity are the keys of the kept counts (migration 0007), so a total filtered by nothing else costs
        // the same at any table size; a trace or rule filter counts its rows through that column's index.
        var count = new NpgsqlBatchCommand(filter is { TraceId: null, RuleId: null }
            ? $"SELECT coalesce(sum(n), 0)::int8 FROM signal_counts WHERE {where}"
            : $"SELECT count(*) FROM signals WHERE {where}");
        foreach (var (name, value) in parameters)
        {
            page.Parameters.AddWithValue(name, value!);
            count.Parameters.AddWithValue(name, value!);
        }

        page.Parameters.AddWithValue("offset", query.Offset);
        page.Parameters.AddWithValue("limit", query.Limit);
        batch.BatchCommands.Add(page);
        batch.BatchCommands.Add(count);

        var items = new List<Signal>(Math.Min(query.Limit, 100));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(SignalRows.Read(reader));
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new SignalPage(items, reader.GetInt64(0), query.Offset, query.Limit);
    }

    /// <summary>
    /// signals.counts: open signals per severity (every severity present, 0 when none) and resolved in all, from the
    /// counts that triggers on <c>signals</c> keep (migration 0007), so the answer costs the same at any table size.
    /// </summary>
    public async Task<SignalCounts> CountsAsync(SignalCountsRequest request, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Command("SELECT status, severity, n FROM signal_counts");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var open = DbNames.Severities.ToDictionary(s => s, _ => 0L, StringComparer.Ordinal);
        var resolved = 0L;
        while (await reader.ReadAsync(cancellationToken))
        {
            var n = reader.GetInt64(2);
            if (reader.GetString(0) == "open")
            {
                open[reader.GetString(1)] = open.GetValueOrDefault(reader.GetString(1)) + n;
            }
            else
            {
                resolved += n;
            }
        }

        return new SignalCounts(open, resolved);
    }
}
