using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fluo.Contracts;
using Fluo.Contracts.Messaging;

namespace Fluo.Api.Tests;

[Collection(ApiCollection.Name)]
public class RulesApiTests(ApiFixture api)
{
    private static StringContent Rule(string name, string expression, string severity = "error", string extra = "") =>
        Samples.Json($$"""{"name":{{JsonSerializer.Serialize(name)}},"severity":"{{severity}}","enabled":true,"expression":{{JsonSerializer.Serialize(expression)}}{{extra}}}""");

    [Fact]
    public async Task Created_rule_queues_a_backtest_and_a_duplicate_name_is_409()
    {
        var name = "slow db " + Guid.NewGuid().ToString("N")[..6];
        using var created = await api.Client.PostAsync("/api/rules", Rule(name, "span.name == \"db.query\" and span.duration > 500ms"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var rule = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = rule.GetProperty("id").GetGuid();
        var jobId = rule.GetProperty("validationJobId").GetGuid();
        Assert.Equal($"/api/rules/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("error", rule.GetProperty("severity").GetString());
        Assert.Equal(1, rule.GetProperty("version").GetInt32());
        Assert.Equal(1, await api.CountAsync("jobs", $"id = '{jobId}' AND type = 'rule_validation'"));

        await api.WaitOutboxDrainedAsync();
        var message = Assert.Single(await api.JobMessagesAsync(), m => m.Headers?.GetLastValue("Nats-Msg-Id") == jobId.ToString());
        Assert.Equal(Subjects.RuleValidation, message.Subject);
        var job = JsonSerializer.Deserialize(message.Data.Span, FluoJsonContext.Default.RuleValidationJob)!;
        Assert.Equal(id, job.RuleId);
        Assert.True(job.SampleSize > 0);

        var before = await api.SnapshotAsync();
        using var duplicate = await api.Client.PostAsync("/api/rules", Rule(name.ToUpperInvariant(), "count(span.service == \"cart\") > 20"));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal("application/problem+json", duplicate.Content.Headers.ContentType?.MediaType);
        Assert.Contains("already exists", await duplicate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await api.SnapshotAsync());
    }

    [Fact]
    public async Task Invalid_expression_is_a_validation_problem_with_positions_and_writes_nothing()
    {
        var before = await api.SnapshotAsync();

        using var response = await api.Client.PostAsync("/api/rules", Rule("bad " + Guid.NewGuid(), "span.duration > \"fast\" and span.nme == 1"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Invalid rule", problem.GetProperty("title").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("expression", out _));
        var errors = problem.GetProperty("expressionErrors").EnumerateArray().ToList();
        Assert.NotEmpty(errors);
        foreach (var error in errors)
        {
            Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
            Assert.InRange(error.GetProperty("position").GetInt32(), 0, 40);
            Assert.True(error.GetProperty("length").GetInt32() >= 0);
            Assert.Equal(1, error.GetProperty("line").GetInt32());
            Assert.Equal(error.GetProperty("position").GetInt32() + 1, error.GetProperty("column").GetInt32());
        }

        Assert.Equal(before, await api.SnapshotAsync());
    }

    [Theory]
    [InlineData("""{"name":"x","severity":"error","enabled":true,"expression":"span.status == error","owner":"me"}""", "owner")]
    [InlineData("""{"name":"","severity":"fatal","expression":"span.status == error"}""", "severity")]
    [InlineData("""{"name":"x","severity":"error","expression":"span.status == error" """, "Invalid JSON")]
    public async Task Bad_rule_bodies_are_400_and_write_nothing(string body, string mentions)
    {
        var before = await api.SnapshotAsync();

        using var response = await api.Client.PostAsync("/api/rules", Samples.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(mentions, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await api.SnapshotAsync());
    }

    [Fact]
    public async Task Update_bumps_the_version_a_stale_If_Match_is_412_and_delete_is_soft()
    {
        var name = "errors " + Guid.NewGuid().ToString("N")[..6];
        using var created = await api.Client.PostAsync("/api/rules", Rule(name, "span.status == error"));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var update = new HttpRequestMessage(HttpMethod.Put, $"/api/rules/{id}") { Content = Rule(name, "span.status == error and span.attr[\"http.status_code\"] >= 500", "critical") };
        update.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        using var updated = await api.Client.SendAsync(update);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var rule = await updated.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, rule.GetProperty("version").GetInt32());
        Assert.Equal("critical", rule.GetProperty("severity").GetString());
        Assert.Equal("\"2\"", updated.Headers.ETag?.ToString());
        await api.WaitOutboxDrainedAsync();
        Assert.Equal(2, (await api.JobMessagesAsync()).Count(m => m.Subject == Subjects.RuleValidation && Encoding.UTF8.GetString(m.Data.Span).Contains(id.ToString(), StringComparison.Ordinal)));

        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/rules/{id}") { Content = Rule(name, "span.status == ok") };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        var before = await api.SnapshotAsync();
        using var refused = await api.Client.SendAsync(stale);
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        Assert.Equal(before, await api.SnapshotAsync());

        using var deleted = await api.Client.DeleteAsync($"/api/rules/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var again = await api.Client.DeleteAsync($"/api/rules/{id}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(1, await api.CountAsync("rules", $"id = '{id}' AND deleted"));
        using var missing = await api.Client.PutAsync($"/api/rules/{id}", Rule(name, "span.status == ok"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
