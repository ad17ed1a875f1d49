using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Rules;
using Fluo.Contracts.Signals;
using Fluo.Testing.Telemetry;

namespace Fluo.Backend.Tests;

[Collection(BackendCollection.Name)]
public class ServiceTests(BackendFixture fixture)
{
    private static readonly string[] Subjects = typeof(BackendSubjects).GetFields()
        .Where(f => f.IsLiteral && f.Name is not (nameof(BackendSubjects.ServiceName) or nameof(BackendSubjects.QueueGroup) or nameof(BackendSubjects.Prefix)))
        .Select(f => (string)f.GetRawConstantValue()!).ToArray();

    [Fact]
    public async Task Ping_and_info_name_the_service_and_list_one_endpoint_per_subject_in_the_backend_queue_group()
    {
        var ping = JsonDocument.Parse((await fixture.Client.RequestAsync<string, string>($"$SRV.PING.{BackendSubjects.ServiceName}", "")).Data!).RootElement;
        Assert.Equal(BackendSubjects.ServiceName, ping.GetProperty("name").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+", ping.GetProperty("version").GetString());

        var info = JsonDocument.Parse((await fixture.Client.RequestAsync<string, string>($"$SRV.INFO.{BackendSubjects.ServiceName}", "")).Data!).RootElement;
        var endpoints = info.GetProperty("endpoints").EnumerateArray()
            .Select(e => (Subject: e.GetProperty("subject").GetString()!, Queue: e.GetProperty("queue_group").GetString()!, Name: e.GetProperty("name").GetString()!)).ToList();
        Assert.Equal(Subjects.Order(StringComparer.Ordinal), endpoints.Select(e => e.Subject).Order(StringComparer.Ordinal));
        Assert.All(endpoints, e => Assert.Equal(BackendSubjects.QueueGroup, e.Queue));
        Assert.Contains(endpoints, e => e.Name == "signals-status" && e.Subject == BackendSubjects.SignalsSetStatus);
    }

    [Fact]
    public async Task Every_endpoint_answers_a_request_without_a_body()
    {
        // Either a reply (when an empty request means something) or a 400, never silence or a 500.
        foreach (var subject in Subjects)
        {
            var reply = await fixture.Client.RequestAsync<string, string>(subject, "");
            var code = reply.Headers?["Nats-Service-Error-Code"].ToString();
            Assert.True(code is null or "" or "400", $"{subject}: {code}");
        }
    }

    [Fact]
    public async Task Corrupt_rows_give_a_500_with_a_message_and_the_endpoint_keeps_serving()
    {
        var id = Guid.NewGuid();
        await using (var command = fixture.Db.CreateCommand(
            "INSERT INTO signals (id, rule_id, rule_name, trace_id, job_id, offending_span_ids, severity, status) VALUES (@id, @id, 'x', 't', @id, '{}', 'apocalyptic', 'open')"))
        {
            command.Parameters.AddWithValue("id", id);
            await command.ExecuteNonQueryAsync();
        }

        var (code, message) = await fixture.Client.FailAsync(BackendSubjects.SignalsGet, new IdRequest(id));
        Assert.Equal(500, code);
        Assert.Contains("signals-get", message, StringComparison.Ordinal);
        Assert.DoesNotContain("apocalyptic", message, StringComparison.Ordinal);

        await using (var command = fixture.Db.CreateCommand("DELETE FROM signals WHERE id = @id"))
        {
            command.Parameters.AddWithValue("id", id);
            await command.ExecuteNonQueryAsync();
        }

        Assert.Equal(404, (await fixture.Client.FailAsync(BackendSubjects.SignalsGet, new IdRequest(id))).Code);
    }

    [Fact]
    public async Task Health_is_200_when_PostgreSQL_and_NATS_are_up()
    {
        using var http = fixture.Factory.CreateClient();

        var health = await http.GetAsync(new Uri("/health", UriKind.Relative));
        var alive = await http.GetAsync(new Uri("/alive", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task A_request_is_handled_in_the_callers_trace_down_to_the_database()
    {
        using var test = new ActivitySource("Fluo.Backend.Tests");
        using var spans = new SpanRecorder("Fluo.Backend.Tests", "Fluo.Nats", "Npgsql");
        var ruleId = await fixture.Db.RuleAsync("traced-" + Guid.NewGuid().ToString("N"));

        ActivityTraceId traceId;
        using (var caller = test.StartActivity("api request"))
        {
            traceId = caller!.TraceId;
            Assert.Equal(ruleId, (await fixture.Client.AskAsync<IdRequest, Rule>(BackendSubjects.RulesGet, new IdRequest(ruleId))).Id);
        }

        Activity[] ours = [.. spans.Stopped.Where(s => s.TraceId == traceId)];

        var process = Assert.Single(ours, s => s.Source.Name == "Fluo.Nats" && (string?)s.GetTagItem("nats.service.endpoint") == "rules-get");
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.Contains(ours, s => s.Source.Name == "Npgsql" && s.ParentSpanId == process.SpanId);
    }

    [Fact]
    public async Task Status_changes_are_counted_as_signals_status_stats()
    {
        var signal = (await fixture.Client.AskAsync<RecordSignalsRequest, RecordSignalsReply>(BackendSubjects.SignalsRecord,
            new RecordSignalsRequest(Guid.NewGuid(), Seed.NewTraceId(), [new Violation(Guid.NewGuid(), "r", Severity.Info, [])]))).Signals.Single();
        await fixture.Client.AskAsync<ResolveSignalRequest, Signal>(BackendSubjects.SignalsSetStatus, new ResolveSignalRequest(signal.Id, SignalStatus.Resolved, "me"));

        var stats = JsonDocument.Parse((await fixture.Client.RequestAsync<string, string>($"$SRV.STATS.{BackendSubjects.ServiceName}", "")).Data!).RootElement;
        var endpoint = stats.GetProperty("endpoints").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "signals-status");
        Assert.True(endpoint.GetProperty("num_requests").GetInt64() >= 1);
    }
}
