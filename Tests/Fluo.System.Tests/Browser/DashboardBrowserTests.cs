using System.Text.Json;
using System.Text.RegularExpressions;
using Fluo.SystemTests.Support;
using Microsoft.Playwright;

namespace Fluo.SystemTests.Browser;

/// <summary>
/// The dashboard in headless chromium against the whole system (two web replicas): live signals, resolve in place,
/// the trace waterfall, rule validation and back-test, and a screenshot of every page.
/// </summary>
public sealed class DashboardBrowserTests(BrowserSystemFixture fixture) : IClassFixture<BrowserSystemFixture>
{
    private FluoSystem System => fixture.System;

    private WebBrowser Browser => fixture.Browser;

    private static CancellationToken Timeout(int seconds = 90) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task A_violating_trace_shows_up_live_on_both_replicas_and_is_resolved_in_place()
    {
        var ct = Timeout();
        var name = "db.query." + Guid.NewGuid().ToString("N")[..8];
        var rule = $"slow {name}";
        await System.CreateRuleAsync(rule, $"span.name == \"{name}\" and span.duration > 500ms", cancellationToken: ct);
        var first = await Browser.SignedInPageAsync(System, replica: 0);
        var second = await Browser.SignedInPageAsync(System, replica: 1);
        foreach (var page in new[] { first, second })
        {
            await page.GotoAsync("/signals");
            await WebBrowser.ExpectStatusAsync(page, "Live");
            await WebBrowser.MarkAsync(page);
        }

        var traceId = FluoSystem.NewTraceId();
        await System.PostTraceAsync(FluoSystem.Trace(traceId, name, childMs: 900), ct);
        var signal = Assert.Single(await System.WaitForSignalsAsync(traceId, 1, ct));

        foreach (var page in new[] { first, second })
        {
            var row = page.Locator($"#signals-table tr[data-signal-id='{signal.Id}']");
            await Assertions.Expect(row).ToHaveCountAsync(1);
            await Assertions.Expect(row.Locator("td").Nth(2)).ToHaveTextAsync(rule);
            await Assertions.Expect(row.Locator(".status-cell")).ToHaveTextAsync("open");
            await Assertions.Expect(row.Locator($"a[href='/trace/{traceId}']")).ToHaveCountAsync(1);
        }

        await WebBrowser.ScreenshotAsync(first, "signals");
        await first.Locator($"#signals-table tr[data-signal-id='{signal.Id}'] button").ClickAsync();
        foreach (var page in new[] { first, second })
        {
            var row = page.Locator($"#signals-table tr[data-signal-id='{signal.Id}']");
            await Assertions.Expect(row.Locator(".status-cell")).ToHaveTextAsync("resolved");
            await Assertions.Expect(row.Locator("button")).ToHaveTextAsync("Reopen");
            await Assertions.Expect(row).ToHaveCountAsync(1);
            Assert.True(await WebBrowser.NotReloadedAsync(page), "the signals page reloaded instead of updating in place");
        }

        Assert.Equal(Fluo.Contracts.Signals.SignalStatus.Resolved, Assert.Single(await System.GetSignalsAsync($"traceId={traceId}", ct)).Status);
        await WebBrowser.ScreenshotAsync(second, "signals-resolved-replica-2");
        Assert.Empty(Browser.Errors);
    }

    [Fact]
    public async Task The_trace_page_draws_the_waterfall_with_the_offending_span_marked()
    {
        var ct = Timeout();
        var name = "charge." + Guid.NewGuid().ToString("N")[..8];
        await System.CreateRuleAsync($"failing {name}", $"span.name == \"{name}\" and span.status == error", cancellationToken: ct);
        var traceId = FluoSystem.NewTraceId();
        var trace = FluoSystem.Trace(traceId, name, childMs: 30, status: "error");
        var spans = JsonSerializer.SerializeToElement(trace).GetProperty("spans");
        var (root, child) = (spans[0].GetProperty("spanId").GetString()!, spans[1].GetProperty("spanId").GetString()!);
        await System.PostTraceAsync(trace, ct);
        await System.WaitForSignalsAsync(traceId, 1, ct);

        var page = await Browser.SignedInPageAsync(System);
        var response = await page.GotoAsync($"/trace/{traceId}");
        Assert.Equal(200, response!.Status);
        await Assertions.Expect(page.Locator(".wf-row")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator(".wf-row.offending")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($".wf-row.offending[data-span-id='{child}']")).ToContainTextAsync(name);
        await Assertions.Expect(page.Locator($".wf-row[data-span-id='{root}']")).Not.ToHaveClassAsync(new Regex("offending"));
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync($"Violated: failing {name}");
        await WebBrowser.ScreenshotAsync(page, "trace");
        Assert.Empty(Browser.Errors);
    }

    [Fact]
    public async Task The_rules_page_shows_an_expression_error_at_its_position_and_the_backtest_of_a_saved_rule()
    {
        var name = "latency " + Guid.NewGuid().ToString("N")[..8];
        var page = await Browser.SignedInPageAsync(System);
        await page.GotoAsync("/rules");
        await page.Locator("#Name").FillAsync(name);
        await page.Locator("#Severity").SelectOptionAsync("warning");
        const string Broken = "span.duration > 500ms and span.nme == \"x\"";
        await page.Locator("#Expression").FillAsync(Broken);
        await page.Locator("form.rule-form button[type=submit]").ClickAsync();

        var error = page.Locator(".expression-error");
        await Assertions.Expect(error).ToHaveCountAsync(1);
        var position = "span.duration > 500ms and span.".Length;
        await Assertions.Expect(error).ToHaveAttributeAsync("data-position", position.ToString(global::System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(error.Locator("pre")).ToContainTextAsync(Broken + "\n" + new string(' ', position) + "^");
        await Assertions.Expect(error).ToContainTextAsync("nme");
        await Assertions.Expect(page.Locator("#Expression")).ToHaveValueAsync(Broken);
        await WebBrowser.ScreenshotAsync(page, "rules-expression-error");

        await page.Locator("#Expression").FillAsync("span.duration > 500ms and span.name == \"x\"");
        await page.Locator("form.rule-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync($"Rule '{name}' saved.");
        await Assertions.Expect(page.Locator("#rules-table")).ToContainTextAsync(name);
        await Assertions.Expect(page.Locator("#backtest")).ToHaveTextAsync(new Regex(@"^succeeded: flagged \d+ of \d+ recent traces$"), new() { Timeout = 60_000 });
        await WebBrowser.ScreenshotAsync(page, "rules");
        Assert.Empty(Browser.Errors);
    }

    [Fact]
    public async Task Every_page_renders_live_for_a_signed_in_operator()
    {
        var page = await Browser.SignedInPageAsync(System, replica: 1);
        await WebBrowser.ExpectStatusAsync(page, "Live");
        await Assertions.Expect(page.Locator("[data-metric='jobs.succeeded']")).ToHaveTextAsync(new Regex(@"^\d+$"));
        await WebBrowser.ScreenshotAsync(page, "overview");

        await page.GotoAsync("/jobs");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Jobs");
        await WebBrowser.ExpectStatusAsync(page, "Live");
        await WebBrowser.ScreenshotAsync(page, "jobs");

        await page.GotoAsync("/system");
        await Assertions.Expect(page.Locator("#nats-state")).ToHaveTextAsync("Open");
        // Metrics samples arrive over the socket; this page's own connection is counted in them.
        await Assertions.Expect(page.Locator("[data-metric='connections']")).ToHaveTextAsync(new Regex(@"^[1-9]\d*$"));
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("reachable");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("SIGNALS");
        await WebBrowser.ScreenshotAsync(page, "system");
        Assert.Empty(Browser.Errors);
    }
}
