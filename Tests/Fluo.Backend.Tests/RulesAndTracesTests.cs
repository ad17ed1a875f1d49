using Fluo.Contracts.Backend;
using Fluo.Contracts.Rules;
using Fluo.Contracts.Traces;

namespace Fluo.Backend.Tests;

[Collection(BackendCollection.Name)]
public class RulesAndTracesTests(BackendFixture fixture)
{
    [Fact]
    public async Task Rules_list_orders_by_name_hides_deleted_rules_and_can_keep_only_enabled_ones()
    {
        var prefix = "r" + Guid.NewGuid().ToString("N")[..8];
        var slow = await fixture.Db.RuleAsync(prefix + "-b-slow", "warning");
        var off = await fixture.Db.RuleAsync(prefix + "-a-off", "info", enabled: false);
        var gone = await fixture.Db.RuleAsync(prefix + "-c-gone", deleted: true);

        var all = (await fixture.Client.AskAsync<RuleListRequest, RuleList>(BackendSubjects.RulesList, new RuleListRequest())).Items.Where(r => r.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.Equal([off, slow], all.Select(r => r.Id));
        var rule = all[1];
        Assert.Equal((prefix + "-b-slow", Severity.Warning, true, "span.duration > 100ms", 1), (rule.Name, rule.Severity, rule.Enabled, rule.Expression, rule.Version));
        Assert.True(rule.CreatedAt > DateTimeOffset.UtcNow.AddMinutes(-5));

        var enabled = (await fixture.Client.AskAsync<RuleListRequest, RuleList>(BackendSubjects.RulesList, new RuleListRequest(EnabledOnly: true))).Items;
        Assert.Contains(enabled, r => r.Id == slow);
        Assert.DoesNotContain(enabled, r => r.Id == off || r.Id == gone);
        Assert.All(enabled, r => Assert.True(r.Enabled));
    }

    [Fact]
    public async Task Rules_get_returns_a_rule_and_404_for_unknown_or_deleted_ones()
    {
        var id = await fixture.Db.RuleAsync("get-" + Guid.NewGuid().ToString("N"), "critical");
        var gone = await fixture.Db.RuleAsync("gone-" + Guid.NewGuid().ToString("N"), deleted: true);

        var rule = await fixture.Client.AskAsync<IdRequest, Rule>(BackendSubjects.RulesGet, new IdRequest(id));
        Assert.Equal((id, Severity.Critical), (rule.Id, rule.Severity));

        Assert.Equal(404, (await fixture.Client.FailAsync(BackendSubjects.RulesGet, new IdRequest(Guid.NewGuid()))).Code);
        Assert.Equal(404, (await fixture.Client.FailAsync(BackendSubjects.RulesGet, new IdRequest(gone))).Code);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.RulesGet, new IdRequest())).Code);
    }

    [Fact]
    public async Task Traces_get_returns_the_stored_document_with_its_typed_attributes()
    {
        var received = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
        var trace = await fixture.Db.TraceAsync(receivedAt: received);

        var reply = await fixture.Client.AskAsync<IdRequest, TraceReply>(BackendSubjects.TracesGet, new IdRequest(Key: trace.TraceId));

        Assert.Equal(received, reply.ReceivedAt);
        Assert.Equal(trace.TraceId, reply.Trace.TraceId);
        Assert.Equal(trace.Spans.Select(s => (s.SpanId, s.ParentSpanId, s.Name, s.Service, s.Start, s.DurationMs, s.Status)),
            reply.Trace.Spans.Select(s => (s.SpanId, s.ParentSpanId, s.Name, s.Service, s.Start, s.DurationMs, s.Status)));
        Assert.Equal(AttributeValue.FromNumber(200), reply.Trace.Spans[0].Attributes!["http.status_code"]);
        Assert.Equal(AttributeValue.FromString("postgresql"), reply.Trace.Spans[1].Attributes!["db.system"]);

        Assert.Equal(404, (await fixture.Client.FailAsync(BackendSubjects.TracesGet, new IdRequest(Key: Seed.NewTraceId()))).Code);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.TracesGet, new IdRequest())).Code);
    }

    [Fact]
    public async Task Traces_recent_returns_the_newest_first_up_to_the_limit()
    {
        var future = DateTimeOffset.UtcNow.AddYears(1);
        var oldest = await fixture.Db.TraceAsync(receivedAt: future);
        var middle = await fixture.Db.TraceAsync(receivedAt: future.AddSeconds(1));
        var newest = await fixture.Db.TraceAsync(receivedAt: future.AddSeconds(2));

        var two = await fixture.Client.AskAsync<RecentTracesRequest, TraceList>(BackendSubjects.TracesRecent, new RecentTracesRequest(2));
        Assert.Equal([newest.TraceId, middle.TraceId], two.Items.Select(t => t.TraceId));
        var three = await fixture.Client.AskAsync<RecentTracesRequest, TraceList>(BackendSubjects.TracesRecent, new RecentTracesRequest(3));
        Assert.Equal(oldest.TraceId, three.Items[2].TraceId);

        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.TracesRecent, new RecentTracesRequest(0))).Code);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.TracesRecent, new RecentTracesRequest(10_001))).Code);
    }

    [Fact]
    public async Task Traces_recent_pages_large_traces_with_a_cursor_and_every_trace_comes_once_in_order()
    {
        var future = DateTimeOffset.UtcNow.AddYears(2);
        var stored = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            stored.Add((await fixture.Db.TraceAsync(Seed.Trace(spans: 400), receivedAt: future.AddSeconds(i))).TraceId);
        }

        stored.Reverse();
        var seen = new List<string>();
        var pages = 0;
        TraceCursor? before = null;
        do
        {
            var page = await fixture.Client.AskAsync<RecentTracesRequest, TraceList>(BackendSubjects.TracesRecent, new RecentTracesRequest(12 - seen.Count, before));
            Assert.NotEmpty(page.Items);
            seen.AddRange(page.Items.Select(t => t.TraceId));
            before = page.Next;
            pages++;
        }
        while (before is not null && seen.Count < 12);

        Assert.Equal(stored, seen);
        Assert.InRange(pages, 2, 12);
        Assert.Equal(400, (await fixture.Client.FailAsync(BackendSubjects.TracesRecent, new RecentTracesRequest(5, new TraceCursor(future, "")))).Code);
    }
}
