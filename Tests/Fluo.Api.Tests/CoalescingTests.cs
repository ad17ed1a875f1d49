using System.Net;

namespace Fluo.Api.Tests;

/// <summary>
/// An Api whose intake lets a small batch wait three seconds for more requests: ten times the spread of the requests the
/// tests send together, so a machine busy with the other test projects cannot stretch them past it.
/// </summary>
public sealed class LingeringIntakeApiFixture() : ApiFixture(new Dictionary<string, string?>
{
    ["Fluo:Api:IntakeLinger"] = "00:00:03",
});

/// <summary>An Api that marks published rows at most once an hour (so only a batch's worth or a stop marks them), and never sweeps.</summary>
public sealed class HourlyMarkApiFixture() : ApiFixture(new Dictionary<string, string?>
{
    ["Fluo:Api:RelayMarkDelay"] = "01:00:00",
    ["Fluo:Api:RelaySweepAge"] = "01:00:00",
    ["Fluo:Api:RelayPollInterval"] = "01:00:00",
});

/// <summary>An Api that marks published rows once a second, and never sweeps.</summary>
public sealed class SecondMarkApiFixture() : ApiFixture(new Dictionary<string, string?>
{
    ["Fluo:Api:RelayMarkDelay"] = "00:00:01",
    ["Fluo:Api:RelaySweepAge"] = "01:00:00",
    ["Fluo:Api:RelayPollInterval"] = "01:00:00",
});

/// <summary>
/// Fewer, larger writes at moderate load: the intake's linger gathers requests that arrive apart into one transaction,
/// and the relay marks the rows of several publishes sent (deletes them) in one statement. PostgreSQL's <c>now()</c> is the transaction's start,
/// so rows written by one transaction share their timestamp.
/// </summary>
public class IntakeLingerTests(LingeringIntakeApiFixture api) : IClassFixture<LingeringIntakeApiFixture>
{
    [Fact]
    public async Task Requests_arriving_apart_within_the_linger_are_written_in_one_transaction()
    {
        // A first request alone, so that start-up work (compiling, connecting) does not make the next ones queue anyway.
        using (var first = await api.Client.PostAsync("/api/traces", Samples.Json(Samples.FluoTrace(Samples.NewTraceId()))))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        var traceIds = Enumerable.Range(0, 4).Select(_ => Samples.NewTraceId()).ToArray();
        var posts = new List<Task<HttpResponseMessage>>();
        foreach (var traceId in traceIds)
        {
            posts.Add(api.Client.PostAsync("/api/traces", Samples.Json(Samples.FluoTrace(traceId))));
            await Task.Delay(100);
        }

        foreach (var response in await Task.WhenAll(posts))
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            }
        }

        var ids = string.Join(',', traceIds.Select(id => $"'{id}'"));
        Assert.Equal(4, await api.CountAsync("traces", $"trace_id IN ({ids})"));
        await using var command = api.Db.CreateCommand($"SELECT count(DISTINCT received_at) FROM traces WHERE trace_id IN ({ids})");
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_request_the_database_refuses_in_a_shared_write_leaves_nothing_behind_and_the_others_are_accepted()
    {
        using (var first = await api.Client.PostAsync("/api/traces", Samples.Json(Samples.FluoTrace(Samples.NewTraceId()))))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        var (refused, accepted) = (Samples.NewTraceId(), Samples.NewTraceId());
        // The trace row is written first, the outbox row last: refusing the latter tests that the write is all or nothing.
        await using (var arm = api.Db.CreateCommand(
            "CREATE FUNCTION test_refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " +
            $"IF NEW.trace_id = '{refused}' THEN RAISE EXCEPTION 'test: outbox row refused'; END IF; RETURN NEW; END $$; " +
            "CREATE TRIGGER test_refuse_outbox BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION test_refuse_outbox();"))
        {
            await arm.ExecuteNonQueryAsync();
        }

        try
        {
            var jobs = await api.CountAsync("jobs");
            // Both arrive within the linger, so they are first written together; that write fails and each is retried alone.
            var responses = await Task.WhenAll(
                api.Client.PostAsync("/api/traces", Samples.Json(Samples.FluoTrace(refused))),
                api.Client.PostAsync("/api/traces", Samples.Json(Samples.FluoTrace(accepted))));
            using (responses[0])
            using (responses[1])
            {
                Assert.Equal(HttpStatusCode.InternalServerError, responses[0].StatusCode);
                Assert.Equal("application/problem+json", responses[0].Content.Headers.ContentType?.MediaType);
                Assert.Equal(HttpStatusCode.Accepted, responses[1].StatusCode);
            }

            Assert.Equal(0, await api.CountAsync("traces", $"trace_id = '{refused}'"));
            Assert.Equal(1, await api.CountAsync("traces", $"trace_id = '{accepted}'"));
            Assert.Equal(jobs + 1, await api.CountAsync("jobs"));
        }
        finally
        {
            await using var disarm = api.Db.CreateCommand("DROP TRIGGER test_refuse_outbox ON outbox; DROP FUNCTION test_refuse_outbox();");
            await disarm.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>The relay marks what several publishes sent (deletes their rows) in one statement, at the latest after the mark delay or when it stops.</summary>
public class RelayMarkTests(SecondMarkApiFixture api) : IClassFixture<SecondMarkApiFixture>
{
    [Fact]
    public async Task Rows_published_one_by_one_within_the_mark_delay_are_marked_sent_by_one_delete()
    {
        await api.WaitOutboxDrainedAsync();
        var before = (await api.JobMessagesAsync()).Count;

        // Records how many rows each DELETE on the outbox removes.
        await using (var arm = api.Db.CreateCommand(
            "CREATE TABLE test_outbox_deletes (rows bigint NOT NULL); " +
            "CREATE FUNCTION test_count_outbox_deletes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " +
            "INSERT INTO test_outbox_deletes SELECT count(*) FROM gone HAVING count(*) > 0; RETURN NULL; END $$; " +
            "CREATE TRIGGER test_count_outbox_deletes AFTER DELETE ON outbox REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION test_count_outbox_deletes();"))
        {
            await arm.ExecuteNonQueryAsync();
        }

        try
        {
            for (var i = 0; i < 4; i++)
            {
                // Each answered before the next is sent: four commits, four hand-overs, four publishes.
                using var response = await api.Client.PostAsync("/api/traces", Samples.Json(Samples.FluoTrace(Samples.NewTraceId())));
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            }

            await api.WaitOutboxDrainedAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(before + 4, (await api.JobMessagesAsync()).Count);
            await using var command = api.Db.CreateCommand("SELECT array_agg(rows) FROM test_outbox_deletes");
            Assert.Equal(new long[] { 4 }, (long[])(await command.ExecuteScalarAsync())!);
        }
        finally
        {
            await using var disarm = api.Db.CreateCommand(
                "DROP TRIGGER test_count_outbox_deletes ON outbox; DROP FUNCTION test_count_outbox_deletes(); DROP TABLE test_outbox_deletes;");
            await disarm.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>A relay that stops marks what it published but had not yet marked.</summary>
public class RelayStopTests(HourlyMarkApiFixture api) : IClassFixture<HourlyMarkApiFixture>
{
    [Fact]
    public async Task Published_rows_not_yet_due_for_marking_are_marked_when_the_Api_stops()
    {
        var (client, replica) = await api.StartReplicaAsync();
        var before = (await api.JobMessagesAsync()).Count;
        using (var response = await client.PostAsync("/api/traces", Samples.Json(Samples.FluoTrace(Samples.NewTraceId()))))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while ((await api.JobMessagesAsync()).Count == before)
        {
            Assert.True(DateTime.UtcNow < deadline, "The replica's relay did not publish the row.");
            await Task.Delay(50);
        }

        // Published, and an hour from its mark.
        await Task.Delay(300);
        Assert.Equal(1, await api.CountAsync("outbox"));

        client.Dispose();
        await replica.DisposeAsync();
        Assert.Equal(0, await api.CountAsync("outbox"));
    }
}
