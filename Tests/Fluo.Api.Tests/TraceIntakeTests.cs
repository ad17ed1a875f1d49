using Fluo.Nats.JetStream;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fluo.Contracts;
using Fluo.Contracts.Messaging;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Fluo.Testing.Telemetry;

namespace Fluo.Api.Tests;

[Collection(ApiCollection.Name)]
public class TraceIntakeTests(ApiFixture api)
{
    [Fact]
    public async Task Concurrent_requests_share_transactions_and_each_is_answered_with_its_own_committed_job()
    {
        using var recorder = new SpanRecorder("Fluo.Api");

        var traceIds = Enumerable.Range(0, 64).Select(_ => Samples.NewTraceId()).ToArray();
        var answers = await Task.WhenAll(traceIds.Select(async id =>
        {
            using var response = await api.Client.PostAsync("/api/traces", Samples.Json(Samples.FluoTrace(id)));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return (TraceId: body.GetProperty("traceId").GetString(), JobId: body.GetProperty("jobId").GetGuid());
        }));

        Assert.Equal(traceIds, answers.Select(a => a.TraceId));
        Assert.Equal(64, answers.Select(a => a.JobId).Distinct().Count());
        foreach (var (traceId, jobId) in answers)
        {
            Assert.Equal(1, await api.CountAsync("jobs", $"id = '{jobId}' AND state = 'queued' AND EXISTS (SELECT 1 FROM traces WHERE trace_id = '{traceId}')"));
        }

        // Other tests of the collection may post meanwhile: at least ours are all there, and some were written together.
        var writes = recorder.Stopped.Where(a => a.OperationName == "trace intake write")
            .Select(a => (Requests: (int)a.GetTagItem("fluo.intake.requests")!, Links: a.Links.Count())).ToList();
        Assert.True(writes.Sum(w => w.Requests) >= 64);
        Assert.True(writes.Any(w => w.Requests > 1), $"no shared transaction in {writes.Count} writes");
        Assert.All(writes.Where(w => w.Requests > 1), w => Assert.InRange(w.Links, 1, w.Requests));
    }

    [Fact]
    public async Task The_same_trace_sent_concurrently_is_stored_once_as_its_last_copy_with_a_job_per_request()
    {
        // Requests that arrive together are written by one statement per table, which may not upsert a row twice: the
        // copies must be folded into one before the write, not make the shared write fail and fall back to one per request.
        var traceId = Samples.NewTraceId();
        var requestsTrace = ActivityTraceId.CreateRandom();
        using var recorder = new SpanRecorder("Fluo.Api");
        var jobs = await Task.WhenAll(Enumerable.Range(0, 32).Select(async n =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/traces") { Content = Samples.Json(Samples.FluoTrace(traceId, children: 1 + n % 3)) };
            request.Headers.Add("traceparent", $"00-{requestsTrace}-{ActivitySpanId.CreateRandom()}-01");
            using var response = await api.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();
        }));

        Assert.Equal(32, jobs.Distinct().Count());
        Assert.Equal(32, await api.CountAsync("jobs", $"id = ANY('{{{string.Join(',', jobs)}}}') AND state = 'queued'"));
        await api.WaitOutboxDrainedAsync();
        var published = (await api.JobMessagesAsync()).Select(m => m.Headers?.GetLastValue("Nats-Msg-Id")).ToHashSet();
        Assert.All(jobs, job => Assert.Contains(job.ToString(), published));
        Assert.Equal(1, await api.CountAsync("traces", $"trace_id = '{traceId}' AND span_count BETWEEN 2 AND 4 AND json_array_length(document->'spans') = span_count"));

        // Each request was written exactly once (a failed shared write and its retries would link some twice), and some together.
        var ours = recorder.Stopped.Where(a => a.OperationName == "trace intake write")
            .Select(a => a.Links.Any() ? a.Links.Count(l => l.Context.TraceId == requestsTrace) : a.TraceId == requestsTrace ? 1 : 0) // one request: its child
            .Where(n => n > 0).ToList();
        Assert.Equal(32, ours.Sum());
        Assert.True(ours.Count < 32, "no two requests were written together");
    }

    [Fact]
    public async Task Fluo_json_trace_is_stored_queued_and_published_with_the_job_id_and_the_requests_trace()
    {
        var traceId = Samples.NewTraceId();
        var httpTraceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/traces") { Content = Samples.Json(Samples.FluoTrace(traceId)) };
        request.Headers.Add("traceparent", $"00-{httpTraceId}-{ActivitySpanId.CreateRandom()}-01");

        using var response = await api.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(traceId, body.RootElement.GetProperty("traceId").GetString());
        var jobId = body.RootElement.GetProperty("jobId").GetGuid();
        Assert.Equal($"/api/jobs/{jobId}", response.Headers.Location?.OriginalString);
        Assert.Equal(1, await api.CountAsync("traces", $"trace_id = '{traceId}' AND span_count = 3"));
        Assert.Equal(1, await api.CountAsync("jobs", $"id = '{jobId}' AND type = 'trace_analysis' AND state = 'queued'"));

        await api.WaitOutboxDrainedAsync();
        var message = Assert.Single(await api.JobMessagesAsync(), m => m.Headers?.GetLastValue("Nats-Msg-Id") == jobId.ToString());
        Assert.Equal(Subjects.TraceAnalysis, message.Subject);
        var traceparent = message.Headers!.GetLastValue("traceparent");
        Assert.NotNull(traceparent);
        Assert.Equal(httpTraceId.ToHexString(), traceparent.Split('-')[1]);
        var job = JsonSerializer.Deserialize(message.Data.Span, FluoJsonContext.Default.TraceAnalysisJob)!;
        Assert.Equal(jobId, job.JobId);
        Assert.Equal(traceId, job.Trace.TraceId);
        Assert.Equal(3, job.Trace.Spans.Count);
        Assert.Equal(200, job.Trace.Spans[0].Attributes!["http.status_code"].Number);

        // The relay created the job's queued status in the bucket.
        var store = await api.Kv.GetStoreAsync(FluoTopology.JobsBucket);
        var status = await store.GetEntryAsync<Fluo.Contracts.Jobs.JobStatus>(jobId.ToString("N"));
        Assert.Equal(Fluo.Contracts.Jobs.JobState.Queued, status.Value!.State);

        // Both publishes continue the request's trace directly: the relay adds no span of its own, and no orphan trace.
        var queued = await api.Js.GetMsgAsync("KV_" + FluoTopology.JobsBucket, new StreamMsgGetRequest { LastBySubj = $"$KV.{FluoTopology.JobsBucket}.{jobId:N}" });
        Assert.Equal(httpTraceId.ToHexString(), queued.Headers!.GetLastValue("traceparent")!.Split('-')[1]);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/x-protobuf")]
    public async Task Otlp_export_is_accepted_with_one_job_per_trace(string contentType)
    {
        var traceIds = new[] { Samples.NewTraceId(), Samples.NewTraceId(), Samples.NewTraceId() };
        var export = Samples.Otlp(traceIds);
        using var content = contentType == "application/json"
            ? new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(Samples.OtlpJson(export)))
            : new ByteArrayContent(export.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);

        using var response = await api.Client.PostAsync("/v1/traces", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        foreach (var traceId in traceIds)
        {
            Assert.Equal(1, await api.CountAsync("traces", $"trace_id = '{traceId}' AND span_count = 2"));
        }

        await api.WaitOutboxDrainedAsync();
        var jobs = (await api.JobMessagesAsync())
            .Select(m => JsonSerializer.Deserialize(m.Data.Span, FluoJsonContext.Default.TraceAnalysisJob)!)
            .Where(j => traceIds.Contains(j.Trace.TraceId))
            .ToList();
        Assert.Equal(3, jobs.Count);
        var trace = jobs.Single(j => j.Trace.TraceId == traceIds[0]).Trace;
        var charge = trace.Spans.Single(s => s.Name == "charge");
        Assert.Equal("payments", charge.Service);
        Assert.Equal(Fluo.Contracts.Traces.SpanStatus.Error, charge.Status);
        Assert.Equal(250, charge.DurationMs);
        Assert.Equal(502, charge.Attributes!["http.status_code"].Number);
    }

    [Fact]
    public async Task Otlp_errors_are_answered_in_the_requests_encoding_and_write_nothing()
    {
        var before = await api.SnapshotAsync();
        using var bad = new ByteArrayContent([0xff, 0xff, 0xff]);
        bad.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var malformed = await api.Client.PostAsync("/v1/traces", bad);
        using var text = new StringContent("hello", System.Text.Encoding.UTF8, "text/plain");
        using var unsupported = await api.Client.PostAsync("/v1/traces", text);

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/x-protobuf", malformed.Content.Headers.ContentType?.MediaType);
        var status = Google.Rpc.Status.Parser.ParseFrom(await malformed.Content.ReadAsByteArrayAsync());
        Assert.NotEmpty(status.Message);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported.StatusCode);
        Assert.Equal(before, await api.SnapshotAsync());
    }

    public static TheoryData<string, string, string, int, string> BadTraces()
    {
        var ok = Samples.FluoTrace(Samples.NewTraceId());
        var dup = Samples.NewSpanId();
        return new TheoryData<string, string, string, int, string>
        {
            { "malformed JSON", "application/json", "{\"traceId\": ", 400, "Invalid JSON" },
            { "unknown field", "application/json", ok.Insert(1, "\"tenant\":\"x\","), 400, "tenant" },
            { "wrong content type", "text/plain", ok, 415, "application/json" },
            { "invalid trace id", "application/json", ok.Replace(ok.Substring(12, 32), "XYZ", StringComparison.Ordinal), 400, "traceId" },
            { "no spans", "application/json", $$"""{"traceId":"{{Samples.NewTraceId()}}","spans":[]}""", 400, "spans" },
            {
                "duplicate span ids", "application/json",
                $$"""{"traceId":"{{Samples.NewTraceId()}}","spans":[{"spanId":"{{dup}}","name":"a","service":"s","start":"2025-01-01T00:00:00Z","durationMs":1},{"spanId":"{{dup}}","name":"b","service":"s","start":"2025-01-01T00:00:00Z","durationMs":-1}]}""",
                400, "spans[1].spanId"
            },
            { "over the body limit", "application/json", Samples.FluoTrace(Samples.NewTraceId(), children: 1000), 413, "limit" },
        };
    }

    [Theory]
    [MemberData(nameof(BadTraces))]
    public async Task Bad_trace_requests_get_problem_details_and_write_nothing(string why, string contentType, string body, int status, string mentions)
    {
        var before = await api.SnapshotAsync();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, contentType);

        using var response = await api.Client.PostAsync("/api/traces", content);

        Assert.True(status == (int)response.StatusCode, $"{why}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains(mentions, problem, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(problem);
        Assert.Equal(status, json.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("title").GetString()));
        Assert.Equal(before, await api.SnapshotAsync());
    }

    [Fact]
    public async Task A_second_post_of_the_same_trace_replaces_it_and_queues_another_job()
    {
        var traceId = Samples.NewTraceId();
        using var first = await api.Client.PostAsync("/api/traces", Samples.Json(Samples.FluoTrace(traceId, children: 1)));
        using var second = await api.Client.PostAsync("/api/traces", Samples.Json(Samples.FluoTrace(traceId, children: 4)));

        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        var jobs = new[] { await first.Content.ReadFromJsonAsync<JsonElement>(), await second.Content.ReadFromJsonAsync<JsonElement>() };
        Assert.NotEqual(jobs[0].GetProperty("jobId").GetGuid(), jobs[1].GetProperty("jobId").GetGuid());
        Assert.Equal(1, await api.CountAsync("traces", $"trace_id = '{traceId}' AND span_count = 5"));
    }
}
