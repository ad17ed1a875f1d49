using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;

namespace Fluo.Api.Tests;

/// <summary>An Api whose sweep claims nothing younger than an hour, so only the in-memory hand-over can publish a new row.</summary>
public sealed class NoSweepApiFixture() : ApiFixture(new Dictionary<string, string?>
{
    ["Fluo:Api:RelaySweepAge"] = "01:00:00",
    ["Fluo:Api:RelayPollInterval"] = "01:00:00",
});

/// <summary>The relay's fast path: rows the Api commits are published from memory, without the sweep.</summary>
public class OutboxHandoffTests(NoSweepApiFixture api) : IClassFixture<NoSweepApiFixture>
{
    [Fact]
    public async Task Committed_traces_rules_and_exports_are_published_at_once_each_exactly_once_with_a_queued_status()
    {
        var before = (await api.JobMessagesAsync()).Count;
        var jobIds = new List<Guid>();
        foreach (var response in await Task.WhenAll(Enumerable.Range(0, 40).Select(_ =>
            api.Client.PostAsync("/api/traces", Samples.Json(Samples.FluoTrace(Samples.NewTraceId()))))))
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                jobIds.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid());
            }
        }

        using (var rule = await api.Client.PostAsJsonAsync("/api/rules", new { name = "handoff", severity = "info", enabled = true, expression = "span.name == \"x\"" }))
        {
            Assert.Equal(HttpStatusCode.Created, rule.StatusCode);
            jobIds.Add((await rule.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("validationJobId").GetGuid());
        }

        using (var export = await api.Client.PostAsJsonAsync("/api/exports", new { format = "csv" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, export.StatusCode);
            jobIds.Add((await export.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid());
        }

        // An hour-long sweep age: nothing but the hand-over can have sent these.
        await api.WaitOutboxDrainedAsync(TimeSpan.FromSeconds(15));

        var messages = await api.JobMessagesAsync();
        Assert.Equal(before + jobIds.Count, messages.Count);
        var bucket = await api.Kv.GetStoreAsync(FluoTopology.JobsBucket);
        foreach (var jobId in jobIds)
        {
            Assert.Single(messages, m => m.Headers?.GetLastValue("Nats-Msg-Id") == jobId.ToString());
            var status = await bucket.GetEntryAsync<JobStatus>(jobId.ToString("N"));
            Assert.Equal(JobState.Queued, status.Value!.State);
        }
    }
}
