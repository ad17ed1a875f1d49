using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;
using Fluo.Contracts.Rules;
using Fluo.Contracts.Signals;

namespace Fluo.Api.Tests;

[Collection(ApiCollection.Name)]
public class BackendQueryTests(ApiFixture api)
{
    private static Signal SampleSignal(Guid id, SignalStatus status = SignalStatus.Open, string? by = null) =>
        new(id, Guid.NewGuid(), "slow db", Samples.NewTraceId(), Guid.NewGuid(), ["00f067aa0ba902b7"], Severity.Error, status, DateTimeOffset.UtcNow,
            status == SignalStatus.Resolved ? DateTimeOffset.UtcNow : null, by);

    [Theory]
    [InlineData("/api/signals")]
    [InlineData("/api/rules")]
    [InlineData("/api/jobs")]
    public async Task Queries_without_a_backend_are_503_with_Retry_After(string path)
    {
        using var response = await api.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Backend unavailable", problem.GetProperty("title").GetString());
        Assert.Contains("fluo.backend", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signals_list_and_resolve_pass_through_to_the_backend()
    {
        var id = Guid.NewGuid();
        var ruleId = Guid.NewGuid();
        var traceId = Samples.NewTraceId();
        await using var backend = new FakeBackend(api.Connection);
        SignalQuery? seen = null;
        await backend.HandleAsync<SignalQuery, SignalPage>(BackendSubjects.SignalsList, q =>
        {
            seen = q;
            return new SignalPage([SampleSignal(id)], 41, q.Offset, q.Limit);
        });
        await backend.HandleAsync<ResolveSignalRequest, Signal>(BackendSubjects.SignalsSetStatus, r => SampleSignal(r.Id, r.Status, r.By));
        await backend.ErrorAsync(BackendSubjects.SignalsGet, 404, "There is no such signal.");

        var page = await api.Client.GetFromJsonAsync<JsonElement>($"/api/signals?traceId={traceId}&ruleId={ruleId}&status=open&severity=critical&offset=40&limit=1");
        Assert.Equal(41, page.GetProperty("total").GetInt64());
        Assert.Equal(id, page.GetProperty("items")[0].GetProperty("id").GetGuid());
        Assert.Equal(new SignalQuery(new SignalFilter(traceId, ruleId, SignalStatus.Open, Severity.Critical), 40, 1), seen);

        using var resolved = await api.Client.PostAsync($"/api/signals/{id}/resolve", Samples.Json("""{"by":"alice"}"""));
        var signal = await resolved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("resolved", signal.GetProperty("status").GetString());
        Assert.Equal("alice", signal.GetProperty("resolvedBy").GetString());
        using var reopened = await api.Client.PostAsync($"/api/signals/{id}/reopen", null);
        Assert.Equal("open", (await reopened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        using var anonymous = await api.Client.PostAsync($"/api/signals/{id}/resolve", null);
        Assert.Equal("api", (await anonymous.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("resolvedBy").GetString());

        using var missing = await api.Client.GetAsync($"/api/signals/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no such signal", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status=closed", "status")]
    [InlineData("severity=fatal", "severity")]
    [InlineData("traceId=xyz", "traceId")]
    [InlineData("ruleId=nope", "ruleId")]
    [InlineData("limit=0", "limit")]
    [InlineData("offset=-1", "offset")]
    public async Task Bad_signal_filters_are_400_without_asking_the_backend(string query, string field)
    {
        using var response = await api.Client.GetAsync("/api/signals?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Job_status_comes_from_the_bucket_and_its_events_stream_until_it_succeeds()
    {
        var jobId = Guid.NewGuid();
        var store = await api.Kv.GetStoreAsync(FluoTopology.JobsBucket);
        var key = jobId.ToString("N");
        await store.PutAsync(key, new JobStatus(jobId, JobType.DataExport, JobState.Running, 0.25, 1, "writing", null, DateTimeOffset.UtcNow));

        var status = await api.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}");
        Assert.Equal("running", status.GetProperty("state").GetString());
        Assert.Equal(0.25, status.GetProperty("progress").GetDouble());

        using var events = await api.Client.GetAsync($"/api/jobs/{jobId}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
        var first = await NextEventAsync(reader);
        Assert.Contains("\"running\"", first, StringComparison.Ordinal);

        await store.PutAsync(key, new JobStatus(jobId, JobType.DataExport, JobState.Running, 0.75, 1, "writing", null, DateTimeOffset.UtcNow));
        Assert.Contains("0.75", await NextEventAsync(reader), StringComparison.Ordinal);
        await Task.Delay(500); // longer than the test's heartbeat: a comment line goes out meanwhile
        await store.PutAsync(key, new JobStatus(jobId, JobType.DataExport, JobState.Succeeded, 1, 1, "done", new JobResult(Export: new ExportResult(Guid.NewGuid(), 3, 120)), DateTimeOffset.UtcNow));
        var (last, sawHeartbeat) = await NextEventWithCommentsAsync(reader);
        Assert.Contains("\"succeeded\"", last, StringComparison.Ordinal);
        Assert.True(sawHeartbeat);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal("", await reader.ReadToEndAsync(timeout.Token)); // the stream ends after a terminal state
    }

    [Fact]
    public async Task Job_status_falls_back_to_the_backend_and_an_unknown_job_is_404()
    {
        var queued = Guid.NewGuid();
        await using var backend = new FakeBackend(api.Connection);
        await backend.HandleAsync<IdRequest, JobRecord>(BackendSubjects.JobsGet, r => r.Id == queued
            ? new JobRecord(queued, JobType.TraceAnalysis, JobState.Queued, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, Subjects.TraceAnalysis, null)
            : throw new InvalidOperationException("not this one"));
        await using var notFound = new FakeBackend(api.Connection);

        var status = await api.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{queued}");
        Assert.Equal("queued", status.GetProperty("state").GetString());
        Assert.Equal("trace_analysis", status.GetProperty("type").GetString());
        await backend.DisposeAsync();
        await notFound.ErrorAsync(BackendSubjects.JobsGet, 404, "There is no such job.");

        using var missing = await api.Client.GetAsync($"/api/jobs/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var missingEvents = await api.Client.GetAsync($"/api/jobs/{Guid.NewGuid()}/events");
        Assert.Equal(HttpStatusCode.NotFound, missingEvents.StatusCode);
    }

    [Fact]
    public async Task Export_is_queued_then_download_is_409_until_complete_and_streams_the_chunks()
    {
        using var created = await api.Client.PostAsync("/api/exports", Samples.Json("""{"format":"csv","filter":{"status":"open","severity":"error"}}"""));
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var exportId = body.GetProperty("exportId").GetGuid();
        var jobId = body.GetProperty("jobId").GetGuid();
        Assert.Equal(1, await api.CountAsync("exports", $"id = '{exportId}' AND job_id = '{jobId}' AND format = 'csv' AND filter->>'status' = 'open'"));
        await api.WaitOutboxDrainedAsync();
        Assert.Single(await api.JobMessagesAsync(), m => m.Subject == Subjects.DataExport && m.Headers?.GetLastValue("Nats-Msg-Id") == jobId.ToString());

        var chunks = new[] { "id,rule,trace\n", "1,a,b\n", "2,c,d\n" };
        var completed = false;
        await using var backend = new FakeBackend(api.Connection);
        await backend.HandleAsync<IdRequest, ExportInfo>(BackendSubjects.ExportsGet, r =>
            new ExportInfo(r.Id, jobId, "csv", new SignalFilter(), completed, completed ? chunks.Length : 0, 2, 24, DateTimeOffset.UtcNow));
        await backend.HandleAsync<ExportChunkRequest, ExportChunk>(BackendSubjects.ExportsChunk, r => new ExportChunk(r.ExportId, r.Index, Encoding.UTF8.GetBytes(chunks[r.Index])));

        using var early = await api.Client.GetAsync($"/api/exports/{exportId}/download");
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains($"/api/jobs/{jobId}", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        completed = true;
        using var download = await api.Client.GetAsync($"/api/exports/{exportId}/download");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("text/csv", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"fluo-signals-{exportId:N}.csv", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(string.Concat(chunks), await download.Content.ReadAsStringAsync());

        var before = await api.SnapshotAsync();
        using var bad = await api.Client.PostAsync("/api/exports", Samples.Json("""{"format":"xml","filter":{"ruleId":"nope"}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("format", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("filter.ruleId", out _));
        Assert.Equal(before, await api.SnapshotAsync());
    }

    [Fact]
    public async Task OpenApi_document_lists_the_routes()
    {
        var document = await api.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var path in new[] { "/api/traces", "/v1/traces", "/api/rules", "/api/rules/{id}", "/api/signals", "/api/signals/{id}/resolve",
            "/api/signals/{id}/reopen", "/api/jobs", "/api/jobs/{id}", "/api/jobs/{id}/events", "/api/exports", "/api/exports/{id}/download" })
        {
            Assert.Contains(path, paths);
        }
    }

    private static async Task<string> NextEventAsync(StreamReader reader) => (await NextEventWithCommentsAsync(reader)).Event;

    private static async Task<(string Event, bool SawComment)> NextEventWithCommentsAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var data = new StringBuilder();
        var sawComment = false;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith(':'))
            {
                sawComment = true;
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line["data: ".Length..]);
            }
            else if (line.Length == 0 && data.Length > 0)
            {
                return (data.ToString(), sawComment);
            }
        }

        throw new InvalidOperationException("The event stream ended.");
    }
}
