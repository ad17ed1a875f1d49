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

    private static ReadOnlyMemory<byte> Status(Guid id, JobType type, JobState state) =>
        JsonSerializer.SerializeToUtf8Bytes(new JobStatus(id, type, state, state == JobState.Succeeded ? 1 : 0, 1, null, null, At), FluoJsonContext.Default.JobStatus);
}
