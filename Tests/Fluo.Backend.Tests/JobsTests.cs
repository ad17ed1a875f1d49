using Fluo.Contracts.Backend;
using Fluo.Contracts.Jobs;

namespace Fluo.Backend.Tests;

[Collection(BackendCollection.Name)]
public class JobsTests(BackendFixture fixture)
{
    private static JobStatus Status(Guid id, JobType type, JobState state, JobResult? result = null) =>
        new(id, type, state, state is JobState.Succeeded ? 1 : 0.5, 1, "done", result, DateTimeOffset.UtcNow);

    [Fact]
    public async Task Get_returns_the_Api_s_row_and_404_for_an_unknown_job()
    {
        var id = await fixture.Db.JobAsync(JobType.RuleValidation);

        var job = await fixture.Client.AskAsync<IdRequest, JobRecord>(BackendSubjects.JobsGet, new IdRequest(id));

        Assert.Equal((id, JobType.RuleValidation, JobState.Queued, "jobs.rule_validation"), (job.JobId, job.Type, job.State, job.Subject));
        Assert.Null(job.Status);
        Assert.Equal(404, (await fixture.Client.FailAsync(BackendSubjects.JobsGet, new IdRequest(Guid.NewGuid()))).Code);
    }

    [Fact]
    public async Task Complete_records_the_final_state_and_status_document()
    {
        var id = await fixture.Db.JobAsync(JobType.TraceAnalysis, "running");
        var signalId = Guid.NewGuid();
        var status = Status(id, JobType.TraceAnalysis, JobState.Succeeded, new JobResult(Analysis: new TraceAnalysisResult("abc", 3, [signalId])));

        var record = await fixture.Client.AskAsync<JobStatus, JobRecord>(BackendSubjects.JobsComplete, status);

        Assert.Equal(JobState.Succeeded, record.State);
        Assert.True(record.UpdatedAt >= record.CreatedAt);
        Assert.Equal(("abc", 3, signalId), (record.Status!.Result!.Analysis!.TraceId, record.Status.Result.Analysis.RulesEvaluated, record.Status.Result.Analysis.SignalIds.Single()));
        var stored = await fixture.Client.AskAsync<IdRequest, JobRecord>(BackendSubjects.JobsGet, new IdRequest(id));
        Assert.Equal((JobState.Succeeded, 1.0, "done"), (stored.State, stored.Status!.Progress, stored.Status.Message));

        // Recording it again is fine; going back to running, another job type or an unknown job is not.
        Assert.Equal(JobState.Succeeded, (await fixture.Client.AskAsync<JobStatus, JobRecord>(BackendSubjects.JobsComplete, status)).State);
        Assert.Equal(409, (await fixture.Client.FailAsync(BackendSubjects.JobsComplete, Status(id, JobType.TraceAnalysis, JobState.Running))).Code);
        Assert.Equal(409, (await fixture.Client.FailAsync(BackendSubjects.JobsComplete, Status(id, JobType.DataExport, JobState.Succeeded))).Code);
        Assert.Equal(404, (await fixture.Client.FailAsync(BackendSubjects.JobsComplete, Status(Guid.NewGuid(), JobType.TraceAnalysis, JobState.Failed))).Code);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.JobsComplete, Status(id, JobType.TraceAnalysis, (JobState)9))).Code);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.JobsComplete, Status(id, JobType.TraceAnalysis, JobState.Succeeded) with { Progress = 2 })).Code);
    }

    [Fact]
    public async Task Complete_batch_records_every_good_status_and_gives_each_bad_one_its_own_error()
    {
        var (a, b, done) = (await fixture.Db.JobAsync(JobType.TraceAnalysis, "running"), await fixture.Db.JobAsync(JobType.TraceAnalysis, "running"), await fixture.Db.JobAsync(JobType.TraceAnalysis, "succeeded"));
        var unknown = Guid.NewGuid();
        var batch = new BatchRequest<JobStatus>(
        [
            Status(a, JobType.TraceAnalysis, JobState.Succeeded),
            Status(unknown, JobType.TraceAnalysis, JobState.Failed),
            Status(done, JobType.TraceAnalysis, JobState.Running),
            Status(b, JobType.DataExport, JobState.Succeeded),
            Status(b, JobType.TraceAnalysis, JobState.Failed) with { Progress = 2 },
            Status(b, JobType.TraceAnalysis, JobState.Dead),
        ]);

        var reply = await fixture.Client.AskAsync<BatchRequest<JobStatus>, BatchReply<JobRecord>>(BackendSubjects.JobsCompleteBatch, batch);

        Assert.Equal(batch.Items.Count, reply.Items.Count);
        Assert.Equal((a, JobState.Succeeded), (reply.Items[0].Value!.JobId, reply.Items[0].Value!.State));
        Assert.Equal([404, 409, 409, 400], reply.Items.Skip(1).Take(4).Select(o => o.Error!.Code));
        Assert.All(reply.Items.Skip(1).Take(4), o => Assert.Null(o.Value));
        Assert.Contains("does not exist", reply.Items[1].Error!.Message);
        Assert.Contains("already succeeded", reply.Items[2].Error!.Message);
        Assert.Contains("is a trace_analysis job", reply.Items[3].Error!.Message);
        Assert.Equal(JobState.Dead, reply.Items[5].Value!.State);
        Assert.Equal(JobState.Succeeded, (await fixture.Client.AskAsync<IdRequest, JobRecord>(BackendSubjects.JobsGet, new IdRequest(a))).State);
        Assert.Equal(JobState.Dead, (await fixture.Client.AskAsync<IdRequest, JobRecord>(BackendSubjects.JobsGet, new IdRequest(b))).State);
        Assert.Equal(JobState.Succeeded, (await fixture.Client.AskAsync<IdRequest, JobRecord>(BackendSubjects.JobsGet, new IdRequest(done))).State);

        // The same batch again: the final states are recorded again, the refusals stay refusals.
        var again = await fixture.Client.AskAsync<BatchRequest<JobStatus>, BatchReply<JobRecord>>(BackendSubjects.JobsCompleteBatch, batch);
        Assert.Equal(reply.Items.Select(o => o.Error?.Code), again.Items.Select(o => o.Error?.Code));
        Assert.Equal(JobState.Succeeded, again.Items[0].Value!.State);
    }

    [Fact]
    public async Task Complete_batch_refuses_a_batch_without_items_or_with_too_many_and_answers_an_empty_item_alone()
    {
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.JobsCompleteBatch, "{}")).Code);
        var many = new BatchRequest<JobStatus>([.. Enumerable.Range(0, 1_001).Select(_ => Status(Guid.NewGuid(), JobType.TraceAnalysis, JobState.Failed))]);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.JobsCompleteBatch, many)).Code);

        var id = await fixture.Db.JobAsync(JobType.RuleValidation, "running");
        var json = "{\"items\":[null," + System.Text.Json.JsonSerializer.Serialize(Status(id, JobType.RuleValidation, JobState.Failed), Fluo.Contracts.FluoJsonContext.Default.JobStatus) + "]}";
        var reply = await fixture.Client.AskAsync<string, BatchReply<JobRecord>>(BackendSubjects.JobsCompleteBatch, json);
        Assert.Equal(400, reply.Items[0].Error!.Code);
        Assert.Equal(JobState.Failed, reply.Items[1].Value!.State);
    }

    [Fact]
    public async Task Complete_batch_applies_the_statuses_of_a_job_listed_twice_in_their_order()
    {
        var (a, b) = (await fixture.Db.JobAsync(JobType.TraceAnalysis, "running"), await fixture.Db.JobAsync(JobType.DataExport, "running"));
        var batch = new BatchRequest<JobStatus>(
        [
            Status(a, JobType.TraceAnalysis, JobState.Succeeded),
            Status(b, JobType.DataExport, JobState.Dead),
            Status(a, JobType.TraceAnalysis, JobState.Running),
            Status(b, JobType.DataExport, JobState.Failed),
        ]);

        var reply = await fixture.Client.AskAsync<BatchRequest<JobStatus>, BatchReply<JobRecord>>(BackendSubjects.JobsCompleteBatch, batch);

        // A finished job does not go back to running; one final state may replace another, the later one winning.
        Assert.Equal(JobState.Succeeded, reply.Items[0].Value!.State);
        Assert.Equal(JobState.Dead, reply.Items[1].Value!.State);
        Assert.Equal(409, reply.Items[2].Error!.Code);
        Assert.Contains("already succeeded", reply.Items[2].Error!.Message);
        Assert.Equal(JobState.Failed, reply.Items[3].Value!.State);
        Assert.Equal(JobState.Succeeded, (await fixture.Client.AskAsync<IdRequest, JobRecord>(BackendSubjects.JobsGet, new IdRequest(a))).State);
        Assert.Equal(JobState.Failed, (await fixture.Client.AskAsync<IdRequest, JobRecord>(BackendSubjects.JobsGet, new IdRequest(b))).State);
    }

    [Fact]
    public async Task Many_concurrent_batches_over_the_same_jobs_all_complete()
    {
        // Batches list the same jobs in different orders; the Backend locks them in one order, so none deadlocks.
        var ids = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await fixture.Db.JobAsync(JobType.TraceAnalysis, "running"));
        }

        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(n =>
            fixture.Client.AskAsync<BatchRequest<JobStatus>, BatchReply<JobRecord>>(BackendSubjects.JobsCompleteBatch,
                new BatchRequest<JobStatus>([.. (n % 2 == 0 ? ids : Enumerable.Reverse(ids)).Select(id => Status(id, JobType.TraceAnalysis, JobState.Succeeded))]))));

        Assert.All(replies.SelectMany(r => r.Items), o => Assert.Equal(JobState.Succeeded, o.Value!.State));
    }

    [Fact]
    public async Task List_returns_newest_first_optionally_in_one_state_within_the_limit()
    {
        var future = DateTimeOffset.UtcNow.AddYears(2);
        var older = await fixture.Db.JobAsync(JobType.DataExport, "dead", future);
        var newer = await fixture.Db.JobAsync(JobType.TraceAnalysis, "dead", future.AddSeconds(1));
        var newest = await fixture.Db.JobAsync(JobType.TraceAnalysis, "queued", future.AddSeconds(2));

        Assert.Equal([newest, newer], (await fixture.Client.AskAsync<JobListRequest, JobList>(BackendSubjects.JobsList, new JobListRequest(Limit: 2))).Items.Select(j => j.JobId));
        Assert.Equal([newer, older], (await fixture.Client.AskAsync<JobListRequest, JobList>(BackendSubjects.JobsList, new JobListRequest(JobState.Dead, 2))).Items.Select(j => j.JobId));
        Assert.Equal(newest, (await fixture.Client.AskAsync<string, JobList>(BackendSubjects.JobsList, "")).Items[0].JobId);

        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.JobsList, new JobListRequest(Limit: 0))).Code);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.JobsList, new JobListRequest(Limit: 501))).Code);
    }
}
