using System.Text;
using System.Text.Json;
using Fluo.Contracts;
using Fluo.Contracts.Jobs;
using Fluo.Web.Live;

namespace Fluo.Web.Tests;

/// <summary>The board the KV watch keeps: counts per state follow every update and delete, and bad entries change nothing.</summary>
public sealed class JobBoardTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Counts_follow_each_jobs_latest_state_through_updates_and_deletes()
    {
        var board = new JobBoard();
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        board.Apply(a, Status(a, JobType.TraceAnalysis, JobState.Queued), deleted: false);
        board.Apply(b, Status(b, JobType.TraceAnalysis, JobState.Queued), deleted: false);
        board.Apply(c, Status(c, JobType.DataExport, JobState.Queued), deleted: false);
        board.Apply(a, Status(a, JobType.TraceAnalysis, JobState.Running), deleted: false);
        board.Apply(a, Status(a, JobType.TraceAnalysis, JobState.Succeeded), deleted: false);
        board.Apply(c, Status(c, JobType.DataExport, JobState.Dead), deleted: false);
        board.Apply(b, default, deleted: true);
        board.Apply(b, default, deleted: true);

        Assert.Equal(
            new Dictionary<string, long> { ["queued"] = 0, ["running"] = 0, ["succeeded"] = 1, ["failed"] = 0, ["dead"] = 1 },
            board.CountByState());
        Assert.Equal(2, board.TraceAnalysesSeen);
        Assert.Equal(new[] { a, c }.Order(), board.Recent(10).Select(j => j.JobId).Order());
    }

    [Fact]
    public void Unreadable_entries_and_unknown_states_leave_the_board_as_it_was()
    {
        var board = new JobBoard();
        var id = Guid.NewGuid();
        board.Apply(id, Status(id, JobType.RuleValidation, JobState.Running), deleted: false);

        board.Apply(id, Encoding.UTF8.GetBytes("{not json"), deleted: false);
        board.Apply(id, Encoding.UTF8.GetBytes("null"), deleted: false);
        var unknown = JsonSerializer.SerializeToNode(new JobStatus(id, JobType.RuleValidation, JobState.Succeeded, 1, 1, null, null, At), FluoJsonContext.Default.JobStatus)!;
        unknown["state"] = 42;
        board.Apply(id, Encoding.UTF8.GetBytes(unknown.ToJsonString()), deleted: false);

        Assert.Equal(1, board.CountByState()["running"]);
        Assert.Equal(1, board.CountByState().Values.Sum());
        Assert.Equal(JobState.Running, Assert.Single(board.Recent(5)).State);
        Assert.Equal("running", JobBoard.Name(JobState.Running));
    }

    [Fact]
    public void Only_the_most_recently_updated_jobs_keep_their_status_while_every_job_is_counted()
    {
        var board = new JobBoard();
        var ids = Enumerable.Range(0, JobBoard.RecentCapacity + 500).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in ids)
        {
            board.Apply(id, Status(id, JobType.TraceAnalysis, JobState.Queued), deleted: false);
        }

        // The oldest job, long out of the recent list, finishes: it comes back to the front and moves between counts.
        board.Apply(ids[0], Status(ids[0], JobType.TraceAnalysis, JobState.Succeeded), deleted: false);
        board.Apply(ids[^1], default, deleted: true);

        Assert.Equal(ids.Count - 2, board.CountByState()["queued"]);
        Assert.Equal(1, board.CountByState()["succeeded"]);
        Assert.Equal(ids.Count, board.TraceAnalysesSeen);
        var recent = board.Recent(int.MaxValue);
        Assert.Equal(JobBoard.RecentCapacity - 1, recent.Count);
        Assert.Equal(JobState.Succeeded, recent[0].State);
        Assert.Equal(ids[0], recent[0].JobId);
        Assert.Equal(ids[^2], recent[1].JobId);
        Assert.Equal(ids[^3], board.Recent(3)[2].JobId);
        Assert.DoesNotContain(recent, j => j.JobId == ids[^1]);
    }

    private static ReadOnlyMemory<byte> Status(Guid id, JobType type, JobState state) =>
        JsonSerializer.SerializeToUtf8Bytes(new JobStatus(id, type, state, state == JobState.Succeeded ? 1 : 0, 1, null, null, At), FluoJsonContext.Default.JobStatus);
}
