using System.Text;
using System.Text.Encodings.Web;

namespace Fluo.Hosting.Dashboard.Pages;

/// <summary>Builds the dashboard's server-rendered pages; every value is HTML-encoded.</summary>
internal sealed class HtmlPage
{
    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1f}nav{background:#512bd4;padding:.6rem 1rem}
        nav a{color:#fff;margin-right:1.2rem;text-decoration:none;font-weight:600}main{padding:1rem}
        table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;font-size:.9rem}
        .bar{background:#8a6fe8;height:.8rem;border-radius:2px}.Producer .bar{background:#e8a33d}.Consumer .bar{background:#2e9e6b}
        .Error{color:#c62828;font-weight:600}.Healthy{color:#2e7d32}.Stopped,.Stopping{color:#666}
        .Unhealthy{color:#c62828}.Degraded{color:#b26a00}.checks{margin:.2rem 0;padding-left:1rem;font-size:.8rem}details summary{cursor:pointer;font-size:.8rem}
        .charts{display:flex;flex-wrap:wrap;gap:1rem}.chart{border:1px solid #ddd;border-radius:4px;padding:.5rem;margin:0}
        .legend{list-style:none;padding:0;margin:.2rem 0;font-size:.85rem}
        button{margin-right:.3rem;border:1px solid #512bd4;background:#fff;color:#512bd4;border-radius:3px;cursor:pointer}.muted{color:#666}code{font-size:.85rem}
        """;

    private readonly StringBuilder _html = new();
    private bool _inLive;

    /// <param name="title">The page's title and heading.</param>
    /// <param name="refreshSeconds">Reload period for browsers without script or server-sent events; 0: never.</param>
    /// <param name="live">The events (of <c>/api/events</c>) that change this page, space-separated.</param>
    /// <param name="liveKey">Only events about this resource, trace or service change it.</param>
    public HtmlPage(string title, int refreshSeconds = 0, string? live = null, string? liveKey = null)
    {
        _html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(Encode(title)).Append(" · Fluo</title>");
        if (refreshSeconds > 0)
        {
            _html.Append("<noscript><meta http-equiv=\"refresh\" content=\"").Append(refreshSeconds).Append("\"></noscript>");
        }

        _html.Append("<style>").Append(Style).Append("</style><script type=\"module\" src=\"/dashboard.js\"></script></head><body")
            .Append(" data-live=\"").Append(Encode(live)).Append("\" data-live-key=\"").Append(Encode(liveKey))
            .Append("\" data-refresh=\"").Append(refreshSeconds).Append("\"><nav>")
            .Append("<a href=\"/\">Resources</a><a href=\"/traces\">Traces</a><a href=\"/logs\">Structured logs</a><a href=\"/metrics\">Metrics</a></nav><main><h1>")
            .Append(Encode(title)).Append("</h1>");
    }

    /// <summary>Starts the region that live updates replace; everything before it (forms, search boxes) stays as typed.</summary>
    public HtmlPage BeginLive()
    {
        _html.Append("<div id=\"live\">");
        _inLive = true;
        return this;
    }

    public static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? string.Empty);

    public HtmlPage Raw(string html)
    {
        _html.Append(html);
        return this;
    }

    public HtmlPage Table(IEnumerable<string> headers, IEnumerable<IEnumerable<string>> rowsOfHtml, Func<int, string>? rowClass = null)
    {
        _html.Append("<table><thead><tr>");
        foreach (var header in headers)
        {
            _html.Append("<th>").Append(Encode(header)).Append("</th>");
        }

        _html.Append("</tr></thead><tbody>");
        var index = 0;
        foreach (var row in rowsOfHtml)
        {
            _html.Append("<tr class=\"").Append(Encode(rowClass?.Invoke(index) ?? string.Empty)).Append("\">");
            foreach (var cell in row)
            {
                _html.Append("<td>").Append(cell).Append("</td>");
            }

            _html.Append("</tr>");
            index++;
        }

        _html.Append("</tbody></table>");
        return this;
    }

    public override string ToString() => _html + (_inLive ? "</div>" : string.Empty) + "</main></body></html>";
}
