using Fluo.Contracts.Backend;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;
using Fluo.Contracts.Rules;
using Fluo.Contracts.Signals;
using Fluo.Nats;

namespace Fluo.Backend.Tests;

[Collection(BackendCollection.Name)]
public class SignalsTests(BackendFixture fixture)
{
    private static Violation Violation(Guid ruleId, string name = "slow", Severity severity = Severity.Error, params string[] spans) =>
        new(ruleId, name, severity, spans.Length == 0 ? ["aaaaaaaaaaaaaaaa"] : spans);

    private Task<RecordSignalsReply> RecordAsync(Guid jobId, string traceId, params Violation[] violations) =>
        fixture.Client.AskAsync<RecordSignalsRequest, RecordSignalsReply>(BackendSubjects.SignalsRecord, new RecordSignalsRequest(jobId, traceId, violations));

    private Task<BatchReply<RecordSignalsReply>> RecordBatchAsync(BatchRequest<RecordSignalsRequest> batch) =>
        fixture.Client.AskAsync<BatchRequest<RecordSignalsRequest>, BatchReply<RecordSignalsReply>>(BackendSubjects.SignalsRecordBatch, batch);

    private Task<Signal> SetStatusAsync(Guid id, SignalStatus status, string by = "ops@example.com") =>
        fixture.Client.AskAsync<ResolveSignalRequest, Signal>(BackendSubjects.SignalsSetStatus, new ResolveSignalRequest(id, status, by));

    private Task<SignalPage> ListAsync(SignalFilter filter, int offset = 0, int limit = 50) =>
        fixture.Client.AskAsync<SignalQuery, SignalPage>(BackendSubjects.SignalsList, new SignalQuery(filter, offset, limit));

    [Fact]
    public async Task Record_is_idempotent_per_job_and_rule_and_returns_the_same_ids()
    {
        var (jobId, traceId, slow, errors) = (Guid.NewGuid(), Seed.NewTraceId(), Guid.NewGuid(), Guid.NewGuid());
        var violations = new[] { Violation(slow, "slow", Severity.Warning, "1111111111111111", "2222222222222222"), Violation(errors, "errors", Severity.Critical) };

        var first = await RecordAsync(jobId, traceId, violations);
        var second = await RecordAsync(jobId, traceId, violations);

        Assert.Equal(2, first.Created);
        Assert.Equal(0, second.Created);
        Assert.Equal(first.Signals.Select(s => s.Id), second.Signals.Select(s => s.Id));
        Assert.Equal([slow, errors], first.Signals.Select(s => s.RuleId));
        var signal = first.Signals[0];
        Assert.Equal(("slow", traceId, jobId, Severity.Warning, SignalStatus.Open), (signal.RuleName, signal.TraceId, signal.JobId, signal.Severity, signal.Status));
        Assert.Equal(["1111111111111111", "2222222222222222"], signal.OffendingSpanIds);
        Assert.Null(signal.ResolvedAt);

        // A repeat that adds a rule creates only that one; the stored rows are the job's.
        var third = await RecordAsync(jobId, traceId, [.. violations, Violation(Guid.NewGuid(), "new")]);
        Assert.Equal(1, third.Created);
        Assert.Equal(first.Signals.Select(s => s.Id), third.Signals.Take(2).Select(s => s.Id));
        Assert.Equal(3, await fixture.Db.ScalarAsync<long>("SELECT count(*) FROM signals WHERE job_id = @job", ("job", jobId)));
    }

    [Fact]
    public async Task Concurrent_records_of_one_job_create_each_signal_once()
    {
        var (jobId, traceId, rule) = (Guid.NewGuid(), Seed.NewTraceId(), Guid.NewGuid());
        await using var other = await BackendFixture.ConnectClientAsync(fixture.Nats.Url);
        var replies = await Task.WhenAll(
            RecordAsync(jobId, traceId, Violation(rule)),
            other.AskAsync<RecordSignalsRequest, RecordSignalsReply>(BackendSubjects.SignalsRecord, new RecordSignalsRequest(jobId, traceId, [Violation(rule)])));

        Assert.Equal(1, replies.Sum(r => r.Created));
        Assert.Equal(replies[0].Signals.Single().Id, replies[1].Signals.Single().Id);
    }

    [Fact]
    public async Task Record_rejects_bad_requests()
    {
        var rule = Guid.NewGuid();
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.SignalsRecord, new RecordSignalsRequest(Guid.Empty, Seed.NewTraceId(), [Violation(rule)]))).Code);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.SignalsRecord, new RecordSignalsRequest(Guid.NewGuid(), "", [Violation(rule)]))).Code);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.SignalsRecord, new RecordSignalsRequest(Guid.NewGuid(), Seed.NewTraceId(), [Violation(rule), Violation(rule)]))).Code);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.SignalsRecord, new RecordSignalsRequest(Guid.NewGuid(), Seed.NewTraceId(), [Violation(rule, severity: (Severity)42)]))).Code);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.SignalsRecord, "{\"jobId\":\"" + Guid.NewGuid() + "\",\"traceId\":\"t\",\"violations\":[{\"ruleId\":\"" + rule + "\"}]}")).Code);

        var none = await RecordAsync(Guid.NewGuid(), Seed.NewTraceId());
        Assert.Equal((0, 0), (none.Created, none.Signals.Count));
    }

    [Fact]
    public async Task Record_batch_records_each_job_once_gives_a_bad_item_its_400_and_a_repeat_returns_the_same_signals()
    {
        var (slow, errors) = (Guid.NewGuid(), Guid.NewGuid());
        var (one, two, none) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var batch = new BatchRequest<RecordSignalsRequest>(
        [
            new(one, Seed.NewTraceId(), [Violation(slow, "slow", Severity.Warning), Violation(errors, "errors", Severity.Critical)]),
            new(Guid.NewGuid(), "", [Violation(slow)]),
            new(two, Seed.NewTraceId(), [Violation(errors, "errors")]),
            new(none, Seed.NewTraceId(), []),
            new(Guid.NewGuid(), Seed.NewTraceId(), [Violation(slow), Violation(slow)]),
        ]);

        var first = await RecordBatchAsync(batch);
        var second = await RecordBatchAsync(batch);

        Assert.Equal([2, 0, 1, 0, 0], first.Items.Select(o => o.Value?.Created ?? 0));
        Assert.Equal([null, 400, null, null, 400], first.Items.Select(o => o.Error?.Code));
        Assert.Equal([slow, errors], first.Items[0].Value!.Signals.Select(s => s.RuleId));
        Assert.Equal(batch.Items[0].TraceId, first.Items[0].Value!.Signals[0].TraceId);
        Assert.Equal(Severity.Critical, first.Items[0].Value!.Signals[1].Severity);
        Assert.Equal(two, first.Items[2].Value!.Signals.Single().JobId);
        Assert.Empty(first.Items[3].Value!.Signals);

        Assert.Equal([0, 0, 0, 0, 0], second.Items.Select(o => o.Value?.Created ?? 0));
        Assert.Equal(first.Items.Select(o => o.Value?.Signals.Select(s => s.Id).ToList()), second.Items.Select(o => o.Value?.Signals.Select(s => s.Id).ToList()));
        Assert.Equal(3, await fixture.Db.ScalarAsync<long>("SELECT count(*) FROM signals WHERE job_id = ANY(@jobs)", ("jobs", new[] { one, two, none })));

        // The single endpoint sees what the batch recorded.
        var single = await RecordAsync(one, batch.Items[0].TraceId, [.. batch.Items[0].Violations]);
        Assert.Equal(0, single.Created);
        Assert.Equal(first.Items[0].Value!.Signals.Select(s => s.Id), single.Signals.Select(s => s.Id));
    }

    [Fact]
    public async Task Record_with_a_completion_records_the_job_as_succeeded_with_its_signal_ids_once_and_again_on_a_repeat()
    {
        // The violations' order is not their rules' order (nor their signals' ids' order, which follows the rules'):
        // the completion names the signals in the order of the violations.
        var (slow, errors) = (Guid.Parse($"ffffffff-{Guid.NewGuid().ToString()[9..]}"), Guid.Parse($"00000000-{Guid.NewGuid().ToString()[9..]}"));
        var (violating, passing, done) = (await fixture.Db.JobAsync(JobType.TraceAnalysis), await fixture.Db.JobAsync(JobType.TraceAnalysis), await fixture.Db.JobAsync(JobType.TraceAnalysis, "failed"));
        var unknown = Guid.NewGuid();
        static JobStatus Completion(Guid job, int attempt = 1) =>
            new(job, JobType.TraceAnalysis, JobState.Succeeded, 1, attempt, null, new JobResult(Analysis: new TraceAnalysisResult("t", 2, [])), DateTimeOffset.UtcNow);
        RecordSignalsRequest Request(Guid job, JobStatus? completion, params Violation[] violations) => new(job, Seed.NewTraceId(), violations, completion);
        var batch = new BatchRequest<RecordSignalsRequest>(
        [
            Request(violating, Completion(violating), Violation(slow), Violation(errors, "errors")),
            Request(passing, Completion(passing)),
            Request(unknown, Completion(unknown), Violation(slow)),

            // Bad completions: not succeeded (and without a result), another job's, another type's.
            Request(done, Completion(done) with { State = JobState.Running, Result = null }, Violation(slow)),
            Request(done, Completion(Guid.NewGuid()), Violation(slow)),
            Request(done, Completion(done) with { Type = JobType.DataExport }, Violation(slow)),
        ]);

        var first = await RecordBatchAsync(batch);

        Assert.Equal([null, null, 404, 400, 400, 400], first.Items.Select(o => o.Error?.Code));
        var recorded = first.Items[0].Value!;
        Assert.Equal((2, JobState.Succeeded), (recorded.Created, recorded.Job!.State));
        Assert.Equal([slow, errors], recorded.Signals.Select(s => s.RuleId));
        Assert.Equal(recorded.Signals.Select(s => s.Id), recorded.Job.Status!.Result!.Analysis!.SignalIds);
        Assert.Equal(2, recorded.Job.Status.Result.Analysis.RulesEvaluated);
        Assert.Empty(first.Items[1].Value!.Signals);
        Assert.Equal((JobState.Succeeded, 0), (first.Items[1].Value!.Job!.State, first.Items[1].Value!.Job!.Status!.Result!.Analysis!.SignalIds.Count));
        var stored = await fixture.Client.AskAsync<IdRequest, JobRecord>(BackendSubjects.JobsGet, new IdRequest(violating));
        Assert.Equal(recorded.Signals.Select(s => s.Id), stored.Status!.Result!.Analysis!.SignalIds);

        // The unknown job's signal is kept for its retry; a repeat gets the same signals and records the job again.
        Assert.Equal(1, await fixture.Db.ScalarAsync<long>("SELECT count(*) FROM signals WHERE job_id = @job", ("job", unknown)));
        var again = await fixture.Client.AskAsync<RecordSignalsRequest, RecordSignalsReply>(BackendSubjects.SignalsRecord, batch.Items[0] with { Completion = Completion(violating, attempt: 2) });
        Assert.Equal((0, 2), (again.Created, again.Job!.Status!.Attempt));
        Assert.Equal(recorded.Signals.Select(s => s.Id), again.Job.Status.Result!.Analysis!.SignalIds);

        // A job of another type is refused as jobs.complete refuses it.
        var export = await fixture.Db.JobAsync(JobType.DataExport);
        Assert.Equal(409, (await fixture.Client.FailAsync(BackendSubjects.SignalsRecord, Request(export, Completion(export), Violation(slow)))).Code);
    }

    [Fact]
    public async Task Record_batch_keeps_each_signals_own_span_ids_and_records_a_job_listed_twice_once()
    {
        var (slow, errors) = (Guid.NewGuid(), Guid.NewGuid());
        var (one, two) = (Guid.NewGuid(), Guid.NewGuid());
        var (traceOne, traceTwo) = (Seed.NewTraceId(), Seed.NewTraceId());
        var batch = new BatchRequest<RecordSignalsRequest>(
        [
            new(one, traceOne, [Violation(slow, "slow", Severity.Warning, "1111111111111111", "2222222222222222", "3333333333333333"), Violation(errors, "errors", Severity.Error, "4444444444444444")]),
            new(two, traceTwo, [Violation(errors, "errors", Severity.Error, "5555555555555555", "6666666666666666")]),
            new(one, traceOne, [Violation(slow, "slow", Severity.Warning, "1111111111111111", "2222222222222222", "3333333333333333"), Violation(errors, "errors", Severity.Error, "4444444444444444")]),
        ]);

        var reply = await RecordBatchAsync(batch);

        Assert.Equal([2, 1, 0], reply.Items.Select(o => o.Value!.Created));
        Assert.Equal(["1111111111111111", "2222222222222222", "3333333333333333"], reply.Items[0].Value!.Signals[0].OffendingSpanIds);
        Assert.Equal(["4444444444444444"], reply.Items[0].Value!.Signals[1].OffendingSpanIds);
        Assert.Equal(["5555555555555555", "6666666666666666"], reply.Items[1].Value!.Signals.Single().OffendingSpanIds);
        Assert.Equal(reply.Items[0].Value!.Signals.Select(s => s.Id), reply.Items[2].Value!.Signals.Select(s => s.Id));
        Assert.Equal((traceTwo, two, Severity.Error), (reply.Items[1].Value!.Signals[0].TraceId, reply.Items[1].Value!.Signals[0].JobId, reply.Items[1].Value!.Signals[0].Severity));
        Assert.Equal(3, await fixture.Db.ScalarAsync<long>("SELECT count(*) FROM signals WHERE job_id = ANY(@jobs)", ("jobs", new[] { one, two })));
    }

    [Fact]
    public async Task Record_batch_writes_the_others_when_the_database_refuses_one_item()
    {
        // PostgreSQL text cannot hold NUL: the whole batch is refused, then each item is written on its own.
        var (good, bad, alsoGood) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var reply = await RecordBatchAsync(new BatchRequest<RecordSignalsRequest>(
        [
            new(good, Seed.NewTraceId(), [Violation(Guid.NewGuid())]),
            new(bad, Seed.NewTraceId(), [Violation(Guid.NewGuid(), "nul\0name")]),
            new(alsoGood, Seed.NewTraceId(), [Violation(Guid.NewGuid())]),
        ]));

        Assert.Equal([1, 0, 1], reply.Items.Select(o => o.Value?.Created ?? 0));
        Assert.Equal(400, reply.Items[1].Error!.Code);
        Assert.Equal(2, await fixture.Db.ScalarAsync<long>("SELECT count(*) FROM signals WHERE job_id = ANY(@jobs)", ("jobs", new[] { good, bad, alsoGood })));

        // The single endpoint answers the same item the same way.
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.SignalsRecord, new RecordSignalsRequest(bad, Seed.NewTraceId(), [Violation(Guid.NewGuid(), "nul\0name")]))).Code);
    }

    [Fact]
    public async Task Resolving_publishes_one_resolved_event_after_commit_and_reopening_publishes_one_open_event()
    {
        var signal = (await RecordAsync(Guid.NewGuid(), Seed.NewTraceId(), Violation(Guid.NewGuid()))).Signals.Single();
        await using var events = await fixture.Client.SubscribeCoreAsync<SignalStatusChanged>("signals.status.>");
        await fixture.Client.PingAsync();

        var resolved = await SetStatusAsync(signal.Id, SignalStatus.Resolved, "alice");
        Assert.Equal((SignalStatus.Resolved, "alice"), (resolved.Status, resolved.ResolvedBy));
        Assert.NotNull(resolved.ResolvedAt);

        var first = await events.NextAsync();
        Assert.Equal(Subjects.SignalResolved, first.Subject);
        Assert.Equal((signal.Id, SignalStatus.Resolved, "alice"), (first.Data!.Signal.Id, first.Data.Signal.Status, first.Data.ChangedBy));
        Assert.Equal(resolved.ResolvedAt, first.Data.ChangedAt);
        // Published through JetStream with a per-change Nats-Msg-Id that names the outbox row, which, published, is gone.
        var msgId = Guid.Parse(first.Headers!["Nats-Msg-Id"].ToString());
        Assert.Equal(0, await fixture.Db.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE id = @id", ("id", msgId)));

        // Unchanged: the same signal back, no event.
        var again = await SetStatusAsync(signal.Id, SignalStatus.Resolved, "bob");
        Assert.Equal((resolved.ResolvedAt, "alice"), (again.ResolvedAt, again.ResolvedBy));

        var reopened = await SetStatusAsync(signal.Id, SignalStatus.Open, "carol");
        Assert.Equal((SignalStatus.Open, null, null), (reopened.Status, reopened.ResolvedAt, reopened.ResolvedBy));
        // The next event is the reopening: resolving again published nothing in between.
        var second = await events.NextAsync();
        Assert.Equal(Subjects.SignalOpened, second.Subject);
        Assert.Equal((signal.Id, SignalStatus.Open, "carol"), (second.Data!.Signal.Id, second.Data.Signal.Status, second.Data.ChangedBy));
        Assert.NotEqual(msgId.ToString(), second.Headers!["Nats-Msg-Id"].ToString());

        await fixture.Client.PingAsync();
        Assert.False(events.Msgs.TryRead(out _));
        Assert.Equal(SignalStatus.Open, (await fixture.Client.AskAsync<IdRequest, Signal>(BackendSubjects.SignalsGet, new IdRequest(signal.Id))).Status);
    }

    [Fact]
    public async Task Status_changes_reach_the_SIGNALS_stream()
    {
        var signal = (await RecordAsync(Guid.NewGuid(), Seed.NewTraceId(), Violation(Guid.NewGuid()))).Signals.Single();
        var js = new Fluo.Nats.JetStream.NatsJSContext(fixture.Client);
        var before = (await js.GetStreamAsync(FluoTopology.SignalsStream)).State.LastSeq;
        // Interest retention keeps messages only while a consumer wants them.
        var consumer = await js.CreateOrUpdateConsumerAsync(FluoTopology.SignalsStream, new Fluo.Nats.JetStream.ConsumerConfig("backend-test-" + Guid.NewGuid().ToString("N")[..8])
        {
            FilterSubject = Subjects.SignalResolved,
            DeliverPolicy = Fluo.Nats.JetStream.ConsumerDeliverPolicy.New,
            AckPolicy = Fluo.Nats.JetStream.ConsumerAckPolicy.Explicit,
        });

        await SetStatusAsync(signal.Id, SignalStatus.Resolved);

        var received = new List<Guid>();
        await foreach (var msg in consumer.FetchAsync<SignalStatusChanged>(new Fluo.Nats.JetStream.NatsJSFetchOpts { MaxMsgs = 1, Expires = TimeSpan.FromSeconds(10) }))
        {
            received.Add(msg.Data!.Signal.Id);
            await msg.AckAsync();
        }

        await js.DeleteConsumerAsync(FluoTopology.SignalsStream, consumer.Name);
        Assert.Equal([signal.Id], received);

        Assert.True((await js.GetStreamAsync(FluoTopology.SignalsStream)).State.LastSeq > before);
    }

    [Fact]
    public async Task Status_rejects_bad_requests_and_unknown_signals()
    {
        var signal = (await RecordAsync(Guid.NewGuid(), Seed.NewTraceId(), Violation(Guid.NewGuid()))).Signals.Single();
        Assert.Equal(404, (await fixture.Client.FailAsync(BackendSubjects.SignalsSetStatus, new ResolveSignalRequest(Guid.NewGuid(), SignalStatus.Resolved, "x"))).Code);
        var (code, message) = await fixture.Client.FailAsync(BackendSubjects.SignalsSetStatus, "{\"id\":\"" + signal.Id + "\",\"status\":\"bogus\",\"by\":\"x\"}");
        Assert.Equal(400, code);
        Assert.Contains("Bad request", message, StringComparison.Ordinal);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.SignalsSetStatus, "{\"id\":\"" + signal.Id + "\",\"status\":7,\"by\":\"x\"}")).Code);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.SignalsSetStatus, new ResolveSignalRequest(signal.Id, SignalStatus.Resolved, " "))).Code);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.SignalsSetStatus, new ResolveSignalRequest(signal.Id, SignalStatus.Resolved, new string('x', 201)))).Code);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.SignalsSetStatus, "")).Code);
        Assert.Equal(SignalStatus.Open, (await fixture.Client.AskAsync<IdRequest, Signal>(BackendSubjects.SignalsGet, new IdRequest(signal.Id))).Status);
        Assert.Equal(404, (await fixture.Client.FailAsync(BackendSubjects.SignalsGet, new IdRequest(Guid.NewGuid()))).Code);
    }

    [Fact]
    public async Task List_filters_by_every_member_and_pages_newest_first_with_a_total()
    {
        var traceId = Seed.NewTraceId();
        var (slow, errors) = (Guid.NewGuid(), Guid.NewGuid());
        var recorded = new List<Signal>();
        for (var i = 0; i < 5; i++)
        {
            // One job per signal, so each row has its own created_at (newest last).
            recorded.AddRange((await RecordAsync(Guid.NewGuid(), traceId, Violation(i % 2 == 0 ? slow : errors, severity: i < 3 ? Severity.Error : Severity.Info))).Signals);
        }

        await SetStatusAsync(recorded[4].Id, SignalStatus.Resolved);
        var newestFirst = recorded.AsEnumerable().Reverse().Select(s => s.Id).ToList();

        var all = await ListAsync(new SignalFilter(TraceId: traceId));
        Assert.Equal((5L, 0, 50), (all.Total, all.Offset, all.Limit));
        Assert.Equal(newestFirst, all.Items.Select(s => s.Id));

        var page = await ListAsync(new SignalFilter(TraceId: traceId), offset: 1, limit: 2);
        Assert.Equal(5, page.Total);
        Assert.Equal(newestFirst.Skip(1).Take(2), page.Items.Select(s => s.Id));
        var beyond = await ListAsync(new SignalFilter(TraceId: traceId), offset: 10, limit: 2);
        Assert.Equal((5L, 0), (beyond.Total, beyond.Items.Count));

        Assert.Equal([recorded[4].Id, recorded[2].Id, recorded[0].Id], (await ListAsync(new SignalFilter(traceId, RuleId: slow))).Items.Select(s => s.Id));
        Assert.Equal([recorded[4].Id], (await ListAsync(new SignalFilter(traceId, Status: SignalStatus.Resolved))).Items.Select(s => s.Id));
        Assert.Equal([recorded[3].Id], (await ListAsync(new SignalFilter(traceId, Status: SignalStatus.Open, Severity: Severity.Info))).Items.Select(s => s.Id));
        Assert.Equal(2, (await ListAsync(new SignalFilter(traceId, errors, SignalStatus.Open))).Total);
        Assert.Equal(0, (await ListAsync(new SignalFilter(Seed.NewTraceId()))).Total);

        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.SignalsList, new SignalQuery(new SignalFilter(), 0, 0))).Code);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.SignalsList, new SignalQuery(new SignalFilter(), 0, 1001))).Code);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.SignalsList, new SignalQuery(new SignalFilter(), -1, 10))).Code);
    }

    [Fact]
    public async Task Counts_give_open_signals_by_severity_and_resolved_in_all()
    {
        var before = await fixture.Client.AskAsync<SignalCountsRequest, SignalCounts>(BackendSubjects.SignalsCounts, new SignalCountsRequest());
        Assert.Equal(["critical", "error", "info", "warning"], before.OpenBySeverity.Keys.Order(StringComparer.Ordinal));

        var jobId = Guid.NewGuid();
        var signals = (await RecordAsync(jobId, Seed.NewTraceId(),
            Violation(Guid.NewGuid(), severity: Severity.Critical), Violation(Guid.NewGuid(), severity: Severity.Critical), Violation(Guid.NewGuid(), severity: Severity.Info))).Signals;
        await SetStatusAsync(signals[0].Id, SignalStatus.Resolved);

        var after = await fixture.Client.AskAsync<SignalCountsRequest, SignalCounts>(BackendSubjects.SignalsCounts, new SignalCountsRequest());
        Assert.Equal(before.OpenBySeverity["critical"] + 1, after.OpenBySeverity["critical"]);
        Assert.Equal(before.OpenBySeverity["info"] + 1, after.OpenBySeverity["info"]);
        Assert.Equal(before.OpenBySeverity["error"], after.OpenBySeverity["error"]);
        Assert.Equal(before.Resolved + 1, after.Resolved);

        Assert.Equal(await TableCountsAsync("SELECT status, severity, count(*) FROM signals GROUP BY status, severity"), await TableCountsAsync("SELECT status, severity, n FROM signal_counts WHERE n <> 0"));

        // An empty request body is the same question.
        var empty = await fixture.Client.AskAsync<string, SignalCounts>(BackendSubjects.SignalsCounts, "");
        Assert.Equal(after.Resolved, empty.Resolved);
    }

    [Fact]
    public async Task The_kept_counts_stay_equal_to_counting_the_table_through_repeats_resolves_reopens_and_deletes()
    {
        var (rule1, rule2) = (Guid.NewGuid(), Guid.NewGuid());
        var jobs = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToArray();
        var batch = await RecordBatchAsync(new BatchRequest<RecordSignalsRequest>([.. jobs.Select(job =>
            new RecordSignalsRequest(job, Seed.NewTraceId(), [Violation(rule1, severity: Severity.Warning), Violation(rule2, severity: Severity.Critical)]))]));
        var signals = batch.Items.SelectMany(i => i.Value!.Signals).ToList();
        Assert.Equal(6, signals.Count);

        // A repeated record inserts nothing; resolving twice changes once; reopening moves one back.
        Assert.Equal(0, (await RecordAsync(jobs[0], signals[0].TraceId, Violation(rule1, severity: Severity.Warning), Violation(rule2, severity: Severity.Critical))).Created);
        await SetStatusAsync(signals[0].Id, SignalStatus.Resolved);
        await SetStatusAsync(signals[0].Id, SignalStatus.Resolved);
        await SetStatusAsync(signals[1].Id, SignalStatus.Resolved);
        await SetStatusAsync(signals[1].Id, SignalStatus.Open);
        await using (var delete = fixture.Db.CreateCommand($"DELETE FROM signals WHERE id IN ('{signals[2].Id}', '{signals[3].Id}')"))
        {
            Assert.Equal(2, await delete.ExecuteNonQueryAsync());
        }

        Assert.Equal(await TableCountsAsync("SELECT status, severity, count(*) FROM signals GROUP BY status, severity"), await TableCountsAsync("SELECT status, severity, n FROM signal_counts WHERE n <> 0"));
    }

    [Fact]
    public async Task List_totals_filtered_by_status_and_severity_alone_equal_counting_the_table()
    {
        var signals = (await RecordAsync(Guid.NewGuid(), Seed.NewTraceId(),
            Violation(Guid.NewGuid(), severity: Severity.Warning), Violation(Guid.NewGuid(), severity: Severity.Warning), Violation(Guid.NewGuid(), severity: Severity.Critical))).Signals;
        await SetStatusAsync(signals[0].Id, SignalStatus.Resolved);

        // These totals come from the kept counts; each must be what counting the table says.
        async Task<long> CountAsync(string where)
        {
            await using var command = fixture.Db.CreateCommand("SELECT count(*) FROM signals WHERE " + where);
            return (long)(await command.ExecuteScalarAsync())!;
        }

        Assert.Equal(await CountAsync("TRUE"), (await ListAsync(new SignalFilter(), limit: 1)).Total);
        Assert.Equal(await CountAsync("status = 'resolved'"), (await ListAsync(new SignalFilter(Status: SignalStatus.Resolved), limit: 1)).Total);
        Assert.Equal(await CountAsync("severity = 'warning'"), (await ListAsync(new SignalFilter(Severity: Severity.Warning), limit: 1)).Total);
        var openWarnings = await ListAsync(new SignalFilter(Status: SignalStatus.Open, Severity: Severity.Warning), limit: 1);
        Assert.Equal(await CountAsync("status = 'open' AND severity = 'warning'"), openWarnings.Total);
        Assert.True(openWarnings.Total >= 1);
        Assert.Equal(0, (await ListAsync(new SignalFilter(Status: SignalStatus.Resolved, Severity: Severity.Critical, RuleId: signals[2].RuleId))).Total);
    }

    /// <summary>(status, severity, count) rows of <paramref name="sql"/>, in order.</summary>
    private async Task<List<(string, string, long)>> TableCountsAsync(string sql)
    {
        await using var command = fixture.Db.CreateCommand(sql + " ORDER BY 1, 2");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string, long)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return rows;
    }
}
