using System.Globalization;
using Fluo.Hosting.Dashboard.Telemetry;
using Fluo.Hosting.Health;
using Fluo.Hosting.Logs;
using Fluo.Hosting.Orchestration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fluo.Hosting.Dashboard.Pages;

/// <summary>
/// The dashboard's pages: resources, console logs per resource (with search), traces (list and waterfall, where NATS hops show as producer and consumer
/// spans and links lead to the linked trace) and structured logs. They refresh themselves every few seconds.
/// </summary>
internal static partial class DashboardPages
{
    private static string Text(FormattableString value) => HtmlPage.Encode(value.ToString(CultureInfo.InvariantCulture));

    public static RouteGroupBuilder MapDashboardPages(this RouteGroupBuilder pages, TelemetryStore store, ResourceNotificationService notifications, ResourceLoggerService logs)
    {
        pages.MapGet("/dashboard.js", () => Results.Stream(
            typeof(HtmlPage).Assembly.GetManifestResourceStream("Fluo.Dashboard.dashboard.js")!, "text/javascript; charset=utf-8"));
        pages.MapGet("/", () => Html(new HtmlPage("Resources", refreshSeconds: 3, live: "resource").BeginLive().Table(
            ["Name", "Type", "State", "Replicas", "Restarts", "Health", "Endpoints", "Error", "Actions"],
            notifications.Snapshots.OrderBy(s => s.Name).Select(s => new[]
            {
                $"<a href=\"/console/{HtmlPage.Encode(s.Name)}\">{HtmlPage.Encode(s.Name)}</a>", HtmlPage.Encode(s.Type),
                $"<span class=\"state {HtmlPage.Encode(s.State.ToString())}\">{HtmlPage.Encode(s.State.ToString())}</span>",
                string.Join("<br>", s.Replicas.Select(r => Text(
                    $"{r.Index}: {r.State}{(r.ProcessId is { } pid ? $" (PID {pid}, started {r.StartedAt:HH:mm:ss})" : "")}{(r.Restarts > 0 ? $", restarts: {r.Restarts}" : "")}"))),
                Text($"{s.RestartCount}"),
                HealthCell(s),
                string.Join(" ", s.Urls.Select(u => $"<a href=\"{HtmlPage.Encode(u)}\">{HtmlPage.Encode(u)}</a>")),
                $"<span class=\"Error\">{HtmlPage.Encode(s.Error)}</span>",
                s.Type is "project" or "nats" or "postgres" ? ActionButtons(s.Name) : string.Empty,
            }))));

        pages.MapGet("/console/{name}", (string name, string? q) =>
        {
            if (notifications.TryGet(name) is null)
            {
                return Results.Content(new HtmlPage("Resource not found").Raw($"<p>No resource {HtmlPage.Encode(name)}.</p>").ToString(), "text/html", statusCode: 404);
            }

            var lines = logs.GetLogs(name).Where(l => q is null || l.Text.Contains(q, StringComparison.OrdinalIgnoreCase)).TakeLast(2000);
            return Html(new HtmlPage($"Console: {name}", refreshSeconds: 3, live: "console", liveKey: name)
                .Raw($"<form><input name=\"q\" value=\"{HtmlPage.Encode(q)}\" placeholder=\"search\"></form>")
                .BeginLive()
                .Table(["Time", "Replica", "Line"], lines.Select(l => new[]
                {
                    Text($"{l.Timestamp:HH:mm:ss.fff}"), Text($"{l.Replica}"),
                    $"<code class=\"{(l.IsError ? "Error" : "")}\">{HtmlPage.Encode(AnsiEscapes().Replace(l.Text, string.Empty))}</code>",
                })));
        });

        pages.MapGet("/traces", () => Html(new HtmlPage("Traces", refreshSeconds: 5, live: "trace").BeginLive().Table(
            ["Started", "Trace", "Services", "Duration", "Spans", "Errors"],
            store.GetTraces().Select(t => new[]
            {
                Text($"{t.Start:HH:mm:ss.fff}"),
                $"<a href=\"/traces/{HtmlPage.Encode(t.TraceId)}\">{HtmlPage.Encode(t.RootName)}</a>",
                HtmlPage.Encode(string.Join(", ", t.Services)), Text($"{t.Duration.TotalMilliseconds:0.0} ms"),
                Text($"{t.SpanCount}"), t.ErrorCount > 0 ? Text($"{t.ErrorCount}") : string.Empty,
            }))));

        pages.MapGet("/traces/{traceId}", (string traceId) =>
        {
            var spans = store.GetTrace(traceId.ToLowerInvariant());
            if (spans.Count == 0)
            {
                return Results.Content(new HtmlPage("Trace not found").Raw($"<p>No trace {HtmlPage.Encode(traceId)}.</p>").ToString(), "text/html", statusCode: 404);
            }

            var start = spans.Min(s => s.Start);
            var total = Math.Max(1, (spans.Max(s => s.End) - start).TotalMilliseconds);
            var ordered = Waterfall(spans);
            var page = new HtmlPage($"Trace {traceId}", live: "trace", liveKey: traceId.ToLowerInvariant()).BeginLive().Table(
                ["Service", "Span", "Kind", "Duration", "Timeline", "Attributes"],
                ordered.Select(item => new[]
                {
                    HtmlPage.Encode(item.Span.Service),
                    $"<span style=\"padding-left:{item.Depth * 1.2:0.0}rem\" class=\"{HtmlPage.Encode(item.Span.Status)}\">{HtmlPage.Encode(item.Span.Name)}</span>"
                        + string.Concat(item.Span.Links.Select(l => $" <a class=\"muted\" href=\"/traces/{HtmlPage.Encode(l.TraceId)}\">link</a>")),
                    HtmlPage.Encode(item.Span.Kind),
                    Text($"{item.Span.Duration.TotalMilliseconds:0.00} ms"),
                    string.Create(CultureInfo.InvariantCulture,
                        $"<div style=\"margin-left:{(item.Span.Start - start).TotalMilliseconds / total * 100:0.0}%;width:{Math.Max(0.5, item.Span.Duration.TotalMilliseconds / total * 100):0.0}%\" class=\"bar\"></div>"),
                    "<code>" + HtmlPage.Encode(string.Join("; ", item.Span.Attributes.Select(a => $"{a.Key}={a.Value}"))) + "</code>",
                }),
                i => ordered[i].Span.Kind);
            return Html(page);
        });

        pages.MapGet("/logs", (string? service, string? text, string? traceId) => Html(new HtmlPage("Structured logs", refreshSeconds: 5, live: "log").BeginLive().Table(
            ["Time", "Service", "Level", "Category", "Message", "Trace"],
            store.GetLogs(service, 0, text, traceId, 500).Select(l => new[]
            {
                Text($"{l.Time:HH:mm:ss.fff}"), HtmlPage.Encode(l.Service), $"<span class=\"{(l.SeverityNumber >= 17 ? "Error" : "")}\">{HtmlPage.Encode(l.Severity)}</span>",
                HtmlPage.Encode(l.Category), HtmlPage.Encode(l.Message),
                l.TraceId is null ? string.Empty : $"<a href=\"/traces/{HtmlPage.Encode(l.TraceId)}\">trace</a>",
            }))));
        pages.MapGet("/metrics", (string? resource) =>
        {
            var services = store.GetMetricServices();
            var chosen = resource ?? (services.Count > 0 ? services[0] : null);
            var page = new HtmlPage(chosen is null ? "Metrics" : $"Metrics: {chosen}", refreshSeconds: 5, live: "metrics", liveKey: chosen)
                .Raw("<form><select name=\"resource\" onchange=\"this.form.submit()\">")
                .Raw(string.Concat(services.Select(s => $"<option{(s == chosen ? " selected" : "")}>{HtmlPage.Encode(s)}</option>")))
                .Raw("</select> <noscript><button>Show</button></noscript></form>").BeginLive().Raw("<div class=\"charts\">");
            if (chosen is null)
            {
                page.Raw("<p class=\"muted\">No metrics received yet.</p>");
            }
            else
            {
                page.Raw(string.Concat(MetricCharts.Build(store.GetMetrics(chosen)).Select(SvgChart.Render)));
            }

            return Html(page.Raw("</div>"));
        });
        return pages;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\x1b\[[0-9;]*[A-Za-z]")]
    private static partial System.Text.RegularExpressions.Regex AnsiEscapes();

    private static readonly string[] Actions = ["stop", "start", "restart"];

    /// <summary>The worst result, the dependencies that are down, and every check (opened when one is not healthy).</summary>
    private static string HealthCell(ResourceSnapshot s)
    {
        if (s.Health is not { } health)
        {
            return string.Empty;
        }

        var html = new System.Text.StringBuilder($"<span class=\"health {health}\">{health}</span>");
        if (s.DependenciesDown.Count > 0)
        {
            html.Append("<div class=\"Error dependencies-down\">").Append(HtmlPage.Encode($"dependency down: {string.Join(", ", s.DependenciesDown)}")).Append("</div>");
        }

        html.Append(health == HealthStatus.Healthy ? "<details>" : "<details open>").Append("<summary>").Append(Text($"{s.HealthChecks.Count} {(s.HealthChecks.Count == 1 ? "check" : "checks")}")).Append("</summary><ul class=\"checks\">");
        foreach (var check in s.HealthChecks)
        {
            html.Append("<li class=\"").Append(check.Status).Append("\">")
                .Append(Text($"{check.Name}{(check.Replica is { } replica && s.Replicas.Count > 1 ? $" [{replica}]" : "")}: {check.Status}"))
                .Append(" <span class=\"muted\">").Append(Text($"{check.Description} (checked {check.LastChecked:HH:mm:ss})")).Append("</span></li>");
        }

        return html.Append("</ul></details>").ToString();
    }

    private static string ActionButtons(string name) => string.Concat(Actions.Select(action =>
        $"<button data-action=\"{action}\" data-name=\"{HtmlPage.Encode(name)}\">{char.ToUpperInvariant(action[0])}{action[1..]}</button>"));

    private static IResult Html(HtmlPage page) => Results.Content(page.ToString(), "text/html; charset=utf-8");

    /// <summary>Spans in tree order (parents before children, siblings by start) with their depth.</summary>
    private static List<(StoredSpan Span, int Depth)> Waterfall(IReadOnlyList<StoredSpan> spans)
    {
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        var children = spans.Where(s => s.ParentSpanId is not null && ids.Contains(s.ParentSpanId)).ToLookup(s => s.ParentSpanId!);
        var result = new List<(StoredSpan, int)>();
        void Visit(StoredSpan span, int depth)
        {
            result.Add((span, depth));
            foreach (var child in children[span.SpanId].OrderBy(c => c.Start))
            {
                Visit(child, depth + 1);
            }
        }

        foreach (var root in spans.Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId)).OrderBy(s => s.Start))
        {
            Visit(root, 0);
        }

        return result;
    }
}
