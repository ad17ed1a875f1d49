using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fluo.Api.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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

        var jobIds = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            using var response = await api.Client.PostAsync("/api/traces", Samples.Json(Samples.FluoTrace(Samples.NewTraceId())));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            jobIds.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid().ToString());
        }

        await Task.Delay(500);
        Assert.Equal(25, await api.CountAsync("outbox", "sent_at IS NULL"));

        await api.Nats.StartAgainAsync();
        await api.WaitOutboxDrainedAsync(TimeSpan.FromSeconds(30));

        var messages = await api.JobMessagesAsync();
        Assert.Equal(before + 25, messages.Count);
        foreach (var jobId in jobIds)
        {
            Assert.Single(messages, m => m.Headers?.GetLastValue("Nats-Msg-Id") == jobId);
        }
    }

    [Fact]
    public async Task A_row_published_but_not_marked_is_published_again_and_dropped_by_the_stream_dedup()
    {
        using var response = await api.Client.PostAsync("/api/traces", Samples.Json(Samples.FluoTrace(Samples.NewTraceId())));
        var jobId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();
        await api.WaitOutboxDrainedAsync();
        var count = (await api.JobMessagesAsync()).Count;

        // As if the relay had crashed after the publish and before its commit.
        await using (var reset = api.Db.CreateCommand($"UPDATE outbox SET sent_at = NULL WHERE id = '{jobId}'"))
        {
            Assert.Equal(1, await reset.ExecuteNonQueryAsync());
        }

        await api.WaitOutboxDrainedAsync();
        Assert.Equal(1, await api.CountAsync("outbox", $"id = '{jobId}' AND attempts = 2"));
        var messages = await api.JobMessagesAsync();
        Assert.Equal(count, messages.Count);
        Assert.Single(messages, m => m.Headers?.GetLastValue("Nats-Msg-Id") == jobId.ToString());
    }

    [Fact]
    public async Task A_mark_that_fails_after_the_publish_leaves_the_row_to_the_sweep_and_the_job_is_in_the_stream_once()
    {
        await api.WaitOutboxDrainedAsync();
        var count = (await api.JobMessagesAsync()).Count;
        var traceId = Samples.NewTraceId();

        // The database refuses the first mark of this trace's row (a sequence, because the refusal rolls back anything else).
        await using (var arm = api.Db.CreateCommand(
            "CREATE SEQUENCE test_mark_refusals; " +
            "CREATE FUNCTION test_refuse_first_mark() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " +
            "IF OLD.sent_at IS NULL AND NEW.sent_at IS NOT NULL AND position('" + traceId + "' in convert_from(NEW.payload, 'UTF8')) > 0 THEN " +
            "IF nextval('test_mark_refusals') = 1 THEN RAISE EXCEPTION 'test: mark refused'; END IF; END IF; RETURN NEW; END $$; " +
            "CREATE TRIGGER test_refuse_first_mark BEFORE UPDATE ON outbox FOR EACH ROW EXECUTE FUNCTION test_refuse_first_mark();"))
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

            Assert.Equal(1, await api.CountAsync("outbox", $"id = '{jobId}' AND sent_at IS NOT NULL AND attempts = 1"));
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
    public async Task Sent_rows_older_than_the_retention_are_deleted_and_unsent_or_recent_rows_are_kept()
    {
        await api.WaitOutboxDrainedAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await api.Client.PostAsync("/api/traces", Samples.Json(Samples.FluoTrace(Samples.NewTraceId())));
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid());
        }

        await api.WaitOutboxDrainedAsync();

        // ids[0] was sent two hours ago; ids[1] just now; ids[2] is (as if) never sent: an accepted request.
        await using (var age = api.Db.CreateCommand(
            $"UPDATE outbox SET sent_at = now() - interval '2 hours' WHERE id = '{ids[0]}'; " +
            $"UPDATE outbox SET sent_at = NULL, created_at = now() - interval '3 hours' WHERE id = '{ids[2]}'"))
        {
            await age.ExecuteNonQueryAsync();
        }

        var relay = api.Services.GetServices<IHostedService>().OfType<OutboxRelay>().Single();
        var deleted = await relay.PurgeSentAsync(TimeSpan.FromHours(1), CancellationToken.None);

        Assert.True(deleted >= 1);
        Assert.Equal(0, await api.CountAsync("outbox", $"id = '{ids[0]}'"));
        Assert.Equal(1, await api.CountAsync("outbox", $"id = '{ids[1]}' AND sent_at IS NOT NULL"));
        Assert.Equal(1, await api.CountAsync("outbox", $"id = '{ids[2]}'"));
        Assert.Equal(0, await api.CountAsync("outbox", "sent_at < now() - interval '1 hour'"));
        await api.WaitOutboxDrainedAsync();
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
