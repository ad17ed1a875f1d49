using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fluo.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Fluo.Api.Tests;

/// <summary>The relay against NATS failures; its own Api, server and database because it stops NATS.</summary>
public class OutboxRelayTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Traces_posted_while_NATS_is_down_are_all_accepted_and_each_is_in_the_stream_once_it_is_back()
    {
        await api.WaitOutboxDrainedAsync();
        var before = (await api.JobMessagesAsync()).Count;
        await api.Nats.StopAsync();

        var traceIds = new Dictionary<string, string>(); // job id → trace id
        for (var i = 0; i < 25; i++)
        {
            var traceId = Samples.NewTraceId();
            using var response = await api.Client.PostAsync("/api/traces", Samples.Json(Samples.FluoTrace(traceId)));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            traceIds.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid().ToString(), traceId);
        }

        await Task.Delay(500);
        Assert.Equal(25, await api.CountAsync("outbox"));
        // Each row names its trace instead of holding a second copy of it.
        Assert.Equal(25, await api.CountAsync("outbox", "payload IS NULL AND trace_id IN (SELECT trace_id FROM traces)"));
        // The relay counts its backlog on every failed round (NATS is down), so the gauge reaches the 25 rows.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (PendingGauge() != 25)
        {
            Assert.True(DateTime.UtcNow < deadline, $"fluo.api.outbox.pending is {PendingGauge()}, not 25.");
            await Task.Delay(100);
        }

        await api.Nats.StartAgainAsync();
        await api.WaitOutboxDrainedAsync(TimeSpan.FromSeconds(30));

        var messages = await api.JobMessagesAsync();
        Assert.Equal(before + 25, messages.Count);
        foreach (var (jobId, traceId) in traceIds)
        {
            // The sweep built each payload from the stored trace: the job the worker reads, whole.
            var message = Assert.Single(messages, m => m.Headers?.GetLastValue("Nats-Msg-Id") == jobId);
            var job = JsonSerializer.Deserialize(message.Data.Span, FluoJsonContext.Traces.TraceAnalysisJob)!;
            Assert.Equal(jobId, job.JobId.ToString());
            Assert.Equal(traceId, job.Trace.TraceId);
            Assert.Equal(3, job.Trace.Spans.Count); // Samples.FluoTrace: a root and two children
            Assert.Equal("GET /cart", job.Trace.Spans[0].Name);
            Assert.InRange(DateTimeOffset.UtcNow - job.AcceptedAt, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task A_row_whose_trace_is_gone_stays_in_the_outbox_with_its_error_and_does_not_hold_up_the_rows_behind_it()
    {
        await api.WaitOutboxDrainedAsync();
        var orphan = Guid.CreateVersion7();
        await using (var insert = api.Db.CreateCommand(
            "INSERT INTO outbox (id, subject, trace_id, created_at) VALUES ($1, 'jobs.trace_analysis', 'no-such-trace', now() - interval '1 minute')"))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = orphan });
            await insert.ExecuteNonQueryAsync();
        }

        try
        {
            using var response = await api.Client.PostAsync("/api/traces", Samples.Json(Samples.FluoTrace(Samples.NewTraceId())));
            var jobId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            // Until the sweep has tried the orphan and the new job's row is marked (so its publish is acknowledged).
            while (await api.CountAsync("outbox", $"(id = '{orphan}' AND attempts = 0) OR id = '{jobId}'") > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "The sweep never tried the row whose trace is gone, or the new job was not published.");
                await Task.Delay(100);
            }

            await using var error = api.Db.CreateCommand($"SELECT last_error FROM outbox WHERE id = '{orphan}'");
            Assert.Contains("no-such-trace", (string)(await error.ExecuteScalarAsync())!);
            Assert.Single(await api.JobMessagesAsync(), m => m.Headers?.GetLastValue("Nats-Msg-Id") == jobId.ToString());
            Assert.DoesNotContain(await api.JobMessagesAsync(), m => m.Headers?.GetLastValue("Nats-Msg-Id") == orphan.ToString());
        }
        finally
        {
            await using var remove = api.Db.CreateCommand($"DELETE FROM outbox WHERE id = '{orphan}'");
            await remove.ExecuteNonQueryAsync();
        }
    }

    /// <summary>This fixture's Api's <c>fluo.api.outbox.pending</c> (other test classes run Apis of their own), or -1.</summary>
    private long PendingGauge()
    {
        var meters = api.Services.GetRequiredService<IMeterFactory>();
        long value = -1;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "fluo.api.outbox.pending" && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, measurement, _, _) => value = measurement);
        listener.Start();
        listener.RecordObservableInstruments();
        return value;
    }

    [Fact]
    public async Task A_row_published_but_not_marked_is_published_again_and_dropped_by_the_stream_dedup()
    {
        using var response = await api.Client.PostAsync("/api/traces", Samples.Json(Samples.FluoTrace(Samples.NewTraceId())));
        var jobId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();
        await api.WaitOutboxDrainedAsync();
        var messages = await api.JobMessagesAsync();
        var published = Assert.Single(messages, m => m.Headers?.GetLastValue("Nats-Msg-Id") == jobId.ToString());

        // As if the relay had crashed after the publish and before the delete: the row is still there, older than the
        // sweep age. The sweep publishes it again (seen by a plain subscriber) and the stream drops it as a duplicate.
        await using var wire = await api.Connection.SubscribeCoreAsync<ReadOnlyMemory<byte>>(published.Subject);
        await api.Connection.PingAsync();
        await using (var restore = api.Db.CreateCommand("INSERT INTO outbox (id, subject, payload, created_at) VALUES ($1, $2, $3, now() - interval '1 minute')"))
        {
            restore.Parameters.Add(new NpgsqlParameter { Value = jobId });
            restore.Parameters.Add(new NpgsqlParameter { Value = published.Subject });
            restore.Parameters.Add(new NpgsqlParameter { Value = published.Data.ToArray() });
            Assert.Equal(1, await restore.ExecuteNonQueryAsync());
        }

        await api.WaitOutboxDrainedAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var again = await wire.Msgs.ReadAsync(timeout.Token);
        Assert.Equal(jobId.ToString(), again.Headers?.GetLastValue("Nats-Msg-Id"));
        var after = await api.JobMessagesAsync();
        Assert.Equal(messages.Count, after.Count);
        Assert.Single(after, m => m.Headers?.GetLastValue("Nats-Msg-Id") == jobId.ToString());
    }

    [Fact]
    public async Task A_mark_that_fails_after_the_publish_leaves_the_row_to_the_sweep_and_the_job_is_in_the_stream_once()
    {
        await api.WaitOutboxDrainedAsync();
        var count = (await api.JobMessagesAsync()).Count;
        var traceId = Samples.NewTraceId();

        // The database refuses the first mark (delete) of this trace's row (a sequence, because the refusal rolls back anything else).
        await using (var arm = api.Db.CreateCommand(
            "CREATE SEQUENCE test_mark_refusals; " +
            "CREATE FUNCTION test_refuse_first_mark() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " +
            "IF OLD.trace_id = '" + traceId + "' THEN " +
            "IF nextval('test_mark_refusals') = 1 THEN RAISE EXCEPTION 'test: mark refused'; END IF; END IF; RETURN OLD; END $$; " +
            "CREATE TRIGGER test_refuse_first_mark BEFORE DELETE ON outbox FOR EACH ROW EXECUTE FUNCTION test_refuse_first_mark();"))
        {
            await arm.ExecuteNonQueryAsync();
        }

        try
        {
            using var response = await api.Client.PostAsync("/api/traces", Samples.Json(Samples.FluoTrace(traceId)));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var jobId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();

            await api.WaitOutboxDrainedAsync();
            await using (var refusals = api.Db.CreateCommand("SELECT last_value FROM test_mark_refusals"))
            {
                Assert.Equal(2L, await refusals.ExecuteScalarAsync()); // refused once, then marked by the sweep
            }

            Assert.Equal(0, await api.CountAsync("outbox", $"id = '{jobId}'"));
            var messages = await api.JobMessagesAsync();
            Assert.Equal(count + 1, messages.Count);
            Assert.Single(messages, m => m.Headers?.GetLastValue("Nats-Msg-Id") == jobId.ToString());
        }
        finally
        {
            await using var disarm = api.Db.CreateCommand(
                "DROP TRIGGER test_refuse_first_mark ON outbox; DROP FUNCTION test_refuse_first_mark(); DROP SEQUENCE test_mark_refusals;");
            await disarm.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task Two_api_replicas_relay_the_shared_outbox_and_every_job_is_published_exactly_once()
    {
        var (second, replica) = await api.StartReplicaAsync();
        await using (replica)
        {
            using (second)
            {
                await api.WaitOutboxDrainedAsync();
                var before = (await api.JobMessagesAsync()).Count;

                var jobIds = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
                {
                    using var response = await (i % 2 == 0 ? api.Client : second).PostAsync("/api/traces", Samples.Json(Samples.FluoTrace(Samples.NewTraceId())));
                    Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid().ToString();
                }));

                await api.WaitOutboxDrainedAsync(TimeSpan.FromSeconds(30));
                var messages = await api.JobMessagesAsync();
                Assert.Equal(before + 100, messages.Count);
                foreach (var jobId in jobIds)
                {
                    Assert.Single(messages, m => m.Headers?.GetLastValue("Nats-Msg-Id") == jobId);
                }
            }
        }
    }
}
