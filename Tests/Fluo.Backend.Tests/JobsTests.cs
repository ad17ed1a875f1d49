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
