using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;

namespace Fluo.Worker.Tests;

public class RuleValidationTests
{
    [Fact]
    public async Task A_valid_rule_is_back_tested_on_recent_traces_and_an_invalid_one_reports_errors_with_positions()
    {
        await using var bed = await Testbed.StartAsync();
        var slow1 = Testbed.Trace(("db.query", 900));
        var slow2 = Testbed.Trace(("db.query", 700), ("render", 3));
        bed.Backend!.Traces.AddRange([slow1, Testbed.Trace(("db.query", 10)), slow2, Testbed.Trace(("db.query", 900))]);
        await bed.StartWorkerAsync();

        var valid = new RuleValidationJob(Guid.NewGuid(), Guid.NewGuid(), "span.name == \"db.query\" and span.duration > 500ms", 3);
        await bed.PublishJobAsync(Subjects.RuleValidation, valid, valid.JobId);
        var invalid = new RuleValidationJob(Guid.NewGuid(), null, "span.nmae == \"x\"", 100);
        await bed.PublishJobAsync(Subjects.RuleValidation, invalid, invalid.JobId);

        var backtest = (await bed.WaitForStatusAsync(valid.JobId, JobState.Succeeded)).Result!.Backtest!;
        Assert.True(backtest.Valid);
        Assert.Equal((3, 2), (backtest.TracesTested, backtest.TracesFlagged));
        Assert.Equal([slow1.TraceId, slow2.TraceId], backtest.FlaggedTraceIds);
        Assert.Empty(backtest.Errors);

        var failed = (await bed.WaitForStatusAsync(invalid.JobId, JobState.Succeeded)).Result!.Backtest!;
        Assert.False(failed.Valid);
        var error = Assert.Single(failed.Errors);
        Assert.Equal((5, 4, 1, 6), (error.Position, error.Length, error.Line, error.Column));
        Assert.Contains("nmae", error.Message);
        Assert.Equal(2, bed.Backend.Completed.Count);
    }
}
