using Fluo.Hosting.Orchestration;
using Microsoft.Playwright;

namespace Fluo.SystemTests.Browser;

/// <summary>NATS goes away under an open Signals page: the indicator says so, and what happened meanwhile arrives once.</summary>
public sealed class NatsOutageBrowserTests
{
    [Fact]
    public async Task Signals_raised_while_nats_was_away_appear_once_after_it_returns_without_a_reload()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = cts.Token;
        await using var system = await WebBrowser.StartSystemAsync(webReplicas: 1, ct);
        await using var browser = await WebBrowser.LaunchAsync();
        var name = "outage." + Guid.NewGuid().ToString("N")[..8];
        await system.CreateRuleAsync($"every {name}", $"span.name == \"{name}\"", cancellationToken: ct);

        var page = await browser.SignedInPageAsync(system);
        await page.GotoAsync("/signals");
        await WebBrowser.ExpectStatusAsync(page, "Live");
        await WebBrowser.MarkAsync(page);

        // One signal before the outage, seen live: the client then holds a position to resume from.
        var before = Support.FluoSystem.NewTraceId();
        await system.PostTraceAsync(Support.FluoSystem.Trace(before, name), ct);
        var first = Assert.Single(await system.WaitForSignalsAsync(before, 1, ct));
        await Assertions.Expect(page.Locator($"tr[data-signal-id='{first.Id}']")).ToHaveCountAsync(1);

        await WebBrowser.ExecuteAsync(system, "nats", ResourceAction.Stop, ct);
        await WebBrowser.ExpectStatusAsync(page, "Reconnecting");
        await WebBrowser.ScreenshotAsync(page, "signals-reconnecting");

        // Accepted by the Api into its outbox while NATS is away; analysed once it is back.
        var during = Enumerable.Range(0, 5).Select(_ => Support.FluoSystem.NewTraceId()).ToList();
        foreach (var traceId in during)
        {
            await system.PostTraceAsync(Support.FluoSystem.Trace(traceId, name), ct);
        }

        await WebBrowser.ExpectStatusAsync(page, "Reconnecting");
        await WebBrowser.ExecuteAsync(system, "nats", ResourceAction.Start, ct);
        var raised = new List<Fluo.Contracts.Signals.Signal>();
        foreach (var traceId in during)
        {
            raised.Add(Assert.Single(await system.WaitForSignalsAsync(traceId, 1, ct)));
        }

        await WebBrowser.ExpectStatusAsync(page, "Live", 60_000);
        foreach (var signal in raised.Append(first))
        {
            await Assertions.Expect(page.Locator($"#signals-table tr[data-signal-id='{signal.Id}']")).ToHaveCountAsync(1);
        }

        // Replay after the reconnect and the live feed overlap; nothing may show twice, now or a moment later.
        await Task.Delay(2000, ct);
        var ids = await page.Locator("#signals-table tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.signalId)");
        Assert.Equal(ids.Length, ids.Distinct().Count());
        foreach (var signal in raised.Append(first))
        {
            Assert.Single(ids, id => id == signal.Id.ToString());
        }

        Assert.True(await WebBrowser.NotReloadedAsync(page), "the page reloaded instead of catching up in place");
        await WebBrowser.ScreenshotAsync(page, "signals-after-outage");
        Assert.Empty(browser.Errors);
    }
}
