using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fluo.Contracts.Signals;
using Fluo.Hosting.Dashboard.Telemetry;
using Fluo.SystemTests.Support;

namespace Fluo.SystemTests;

/// <summary>Traces in through the API, signals out through the API, on the whole system.</summary>
public sealed class SignalFlowTests(SystemFixture fixture) : IClassFixture<SystemFixture>
{
    private FluoSystem System => fixture.System;

    private static CancellationToken Timeout(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task A_slow_span_in_fluo_json_raises_one_signal_blaming_it_and_a_fast_one_none()
    {
        var ct = Timeout();
        var name = "db.query." + Guid.NewGuid().ToString("N")[..8];
        var ruleId = await System.CreateRuleAsync($"slow {name}", $"span.name == \"{name}\" and span.duration > 500ms", cancellationToken: ct);

        var slow = FluoSystem.NewTraceId();
        var trace = FluoSystem.Trace(slow, name, childMs: 900);
        await System.PostTraceAsync(trace, ct);
        var fast = FluoSystem.NewTraceId();
        var fastJob = await System.PostTraceAsync(FluoSystem.Trace(fast, name, childMs: 20), ct);

        var signal = Assert.Single(await System.WaitForSignalsAsync(slow, 1, ct));
        Assert.Equal(ruleId, signal.RuleId);
        Assert.Equal(SignalStatus.Open, signal.Status);
        var childSpanId = JsonSerializer.SerializeToElement(trace).GetProperty("spans")[1].GetProperty("spanId").GetString();
        Assert.Equal([childSpanId!], signal.OffendingSpanIds);

        await System.WaitForJobAsync(fastJob, "succeeded", ct);
        Assert.Empty(await System.GetSignalsAsync($"traceId={fast}", ct));
    }

    [Fact]
    public async Task An_otlp_json_export_is_analysed_like_any_other_trace()
    {
        var ct = Timeout();
        var name = "charge." + Guid.NewGuid().ToString("N")[..8];
        await System.CreateRuleAsync($"charge without authorize {name}", $"trace.has(span.name == \"{name}\") and not trace.has(span.name == \"authorize\")", "critical", ct);
        var traceId = FluoSystem.NewTraceId();
        var spanId = FluoSystem.NewSpanId();
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var otlp = $$$"""
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"payments"}}]},
              "scopeSpans":[{"scope":{"name":"test"},"spans":[
                {"traceId":"{{{traceId}}}","spanId":"{{{spanId}}}","name":"{{{name}}}","kind":2,
                 "startTimeUnixNano":"{{{start}}}","endTimeUnixNano":"{{{start + 3_000_000}}}",
                 "attributes":[{"key":"amount","value":{"intValue":"42"}}],"status":{"code":1}}]}]}]}
            """;
        using var response = await System.Api.PostAsync("/v1/traces", new StringContent(otlp, Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var signal = Assert.Single(await System.WaitForSignalsAsync(traceId, 1, ct));
        Assert.Equal([spanId], signal.OffendingSpanIds);
        Assert.Equal(Fluo.Contracts.Rules.Severity.Critical, signal.Severity);
    }

    [Fact]
    public async Task Rule_expression_errors_come_back_with_their_positions()
    {
        var ct = Timeout();
        using var response = await System.Api.PostAsJsonAsync("/api/rules", new { name = "broken", severity = "error", enabled = true, expression = "span.duration > 500ms and span.nme == \"x\"" }, ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var error = body.RootElement.GetProperty("expressionErrors")[0];
        Assert.Equal("span.duration > 500ms and span.".Length, error.GetProperty("position").GetInt32());
        Assert.Equal(1, error.GetProperty("line").GetInt32());
        Assert.Contains("nme", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(await System.GetSignalsAsync("limit=1&status=open&ruleId=" + Guid.NewGuid(), ct));
    }

    [Fact]
    public async Task Resolving_a_signal_publishes_its_event_and_the_api_shows_it_resolved()
    {
        var ct = Timeout();
        var name = "resolve." + Guid.NewGuid().ToString("N")[..8];
        await System.CreateRuleAsync($"errors {name}", $"span.name == \"{name}\" and span.status == error", "warning", ct);
        var traceId = FluoSystem.NewTraceId();
        await System.PostTraceAsync(FluoSystem.Trace(traceId, name, status: "error"), ct);
        var signal = Assert.Single(await System.WaitForSignalsAsync(traceId, 1, ct));

        await using var events = await System.Nats.SubscribeCoreAsync<SignalStatusChanged>("signals.status.resolved", cancellationToken: ct);
        using var response = await System.Api.PostAsJsonAsync($"/api/signals/{signal.Id}/resolve", new { by = "operator-1" }, ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ct));

        SignalStatusChanged? changed = null;
        await foreach (var msg in events.Msgs.ReadAllAsync(ct))
        {
            if (msg.Data?.Signal.Id == signal.Id)
            {
                changed = msg.Data;
                break;
            }
        }

        Assert.Equal(SignalStatus.Resolved, changed!.Signal.Status);
        Assert.Equal("operator-1", changed.Signal.ResolvedBy);
        var now = Assert.Single(await System.GetSignalsAsync($"traceId={traceId}", ct));
        Assert.Equal(SignalStatus.Resolved, now.Status);
        Assert.NotNull(now.ResolvedAt);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("json")]
    public async Task An_export_downloads_exactly_the_rows_of_its_filter(string format)
    {
        var ct = Timeout(90);
        var name = "export." + Guid.NewGuid().ToString("N")[..8];
        var ruleId = await System.CreateRuleAsync($"export {name}", $"span.name == \"{name}\"", "info", ct);
        var traces = Enumerable.Range(0, 3).Select(_ => FluoSystem.NewTraceId()).ToList();
        foreach (var traceId in traces)
        {
            await System.PostTraceAsync(FluoSystem.Trace(traceId, name), ct);
        }

        foreach (var traceId in traces)
        {
            await System.WaitForSignalsAsync(traceId, 1, ct);
        }

        using var created = await System.Api.PostAsJsonAsync("/api/exports", new { format, filter = new { ruleId } }, ct);
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync(ct));
        var exportId = body.RootElement.GetProperty("exportId").GetGuid();
        await System.WaitForJobAsync(body.RootElement.GetProperty("jobId").GetGuid(), "succeeded", ct);

        using var download = await System.Api.GetAsync($"/api/exports/{exportId}/download", ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var content = await download.Content.ReadAsStringAsync(ct);
        if (format == "csv")
        {
            Assert.Equal("text/csv", download.Content.Headers.ContentType?.MediaType);
            var lines = content.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal(4, lines.Length);
            Assert.Equal(traces.Order(), lines.Skip(1).Select(l => traces.Single(t => l.Contains(t, StringComparison.Ordinal))).Order());
        }
        else
        {
            var signals = JsonSerializer.Deserialize<List<Signal>>(content, FluoSystem.Json)!;
            Assert.Equal(traces.Order(), signals.Select(s => s.TraceId).Order());
            Assert.All(signals, s => Assert.Equal(ruleId, s.RuleId));
        }
    }

    [Fact]
    public async Task One_submission_is_one_trace_through_api_nats_worker_and_backend()
    {
        var ct = Timeout(90);
        var name = "traced." + Guid.NewGuid().ToString("N")[..8];
        await System.CreateRuleAsync($"traced {name}", $"span.name == \"{name}\"", "info", ct);
        var otelTraceId = FluoSystem.NewTraceId();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/traces") { Content = JsonContent.Create(FluoSystem.Trace(FluoSystem.NewTraceId(), name)) };
        request.Headers.Add("traceparent", $"00-{otelTraceId}-{FluoSystem.NewSpanId()}-01");
        using var response = await System.Api.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var store = System.Dashboard.Store;
        IReadOnlyList<StoredSpan> spans = [];
        while (!ct.IsCancellationRequested)
        {
            spans = store.GetTrace(otelTraceId);
            var services = spans.Select(s => s.Service).ToHashSet();
            if (services.IsSupersetOf(["api", "worker", "backend"]) &&
                spans.Any(s => s.Kind == "Consumer" && s.Name.Contains("jobs.trace_analysis", StringComparison.Ordinal)) &&
                spans.Any(s => s.Service == "worker" && s.Kind == "Producer" && s.Name.Contains("signals.created", StringComparison.Ordinal)))
            {
                break;
            }

            await Task.Delay(500, ct);
        }

        var producer = Assert.Single(spans, s => s.Service == "api" && s.Kind == "Producer" && s.Name.Contains("jobs.trace_analysis", StringComparison.Ordinal));
        var consumer = spans.First(s => s.Service == "worker" && s.Kind == "Consumer" && s.Name.Contains("jobs.trace_analysis", StringComparison.Ordinal));
        Assert.Equal(producer.SpanId, consumer.ParentSpanId);
        // The worker's process span continues the Api's publish directly: no receive span, no span per ack.
        Assert.Equal("process jobs.trace_analysis", consumer.Name);
        Assert.DoesNotContain(spans, s => s.Service == "worker" && s.Name.Contains("$JS.ACK", StringComparison.Ordinal));
        Assert.Contains(spans, s => s.Service == "backend" && s.Kind == "Consumer");
        Assert.All(spans, s => Assert.Equal(otelTraceId, s.TraceId));
    }

    [Fact]
    public async Task Bad_input_gets_problem_details_and_writes_nothing()
    {
        var ct = Timeout();
        var before = await CountRowsAsync(ct);
        var cases = new (HttpContent Content, string Path, HttpStatusCode Status)[]
        {
            (new StringContent("{\"traceId\": ", Encoding.UTF8, "application/json"), "/api/traces", HttpStatusCode.BadRequest),
            (new StringContent(new string(' ', 5 * 1024 * 1024) + "{}", Encoding.UTF8, "application/json"), "/api/traces", HttpStatusCode.RequestEntityTooLarge),
            (JsonContent.Create(new { traceId = "not-hex", spans = Array.Empty<object>() }), "/api/traces", HttpStatusCode.BadRequest),
            (JsonContent.Create(new { name = "x", severity = "error", enabled = true, expression = "span.name == \"a\"", colour = "red" }), "/api/rules", HttpStatusCode.BadRequest),
            (JsonContent.Create(new { name = "y", severity = "error", enabled = true, expression = "span.name ==" }), "/api/rules", HttpStatusCode.BadRequest),
            (new StringContent("<xml/>", Encoding.UTF8, "application/xml"), "/api/traces", HttpStatusCode.UnsupportedMediaType),
        };

        foreach (var (content, path, status) in cases)
        {
            using var response = await System.Api.PostAsync(path, content, ct);
            Assert.True(status == response.StatusCode, $"{path}: expected {status}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(before, await CountRowsAsync(ct));
    }

    /// <summary>
    /// Rows of the tables a request writes. Not the outbox: earlier rows leave it as they are published, and a job's
    /// outbox row is written with (and so counted by) its <c>jobs</c> row.
    /// </summary>
    private async Task<(long, long, long)> CountRowsAsync(CancellationToken ct)
    {
        await using var connection = new Npgsql.NpgsqlConnection(System.Database);
        await connection.OpenAsync(ct);
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT (SELECT count(*) FROM traces), (SELECT count(*) FROM jobs), (SELECT count(*) FROM rules)", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    [Fact]
    public async Task The_dashboard_has_every_services_console_and_structured_logs_and_shows_a_stopped_resource()
    {
        var ct = Timeout(120);
        foreach (var name in new[] { "backend", "worker", "api", "web" })
        {
            Assert.NotEmpty(System.App.GetResourceLogs(name));
            while (System.Dashboard.Store.GetLogs(service: name, max: 1).Count == 0)
            {
                await Task.Delay(200, ct);
            }
        }

        using var dashboard = new HttpClient { BaseAddress = System.Dashboard.Url };
        using (var stop = await dashboard.PostAsync("/api/resources/web/stop", null, ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
        }

        string? state = null;
        while (state != "Stopped")
        {
            await Task.Delay(200, ct);
            using var resources = JsonDocument.Parse(await dashboard.GetStringAsync("/api/resources", ct));
            state = resources.RootElement.EnumerateArray().Single(r => r.GetProperty("name").GetString() == "web").GetProperty("state").GetString();
        }

        using (var start = await dashboard.PostAsync("/api/resources/web/start", null, ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        }

        await System.App.WaitForResourceHealthyAsync("web", ct);
    }
}
