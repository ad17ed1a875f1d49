using System.Globalization;
using System.Text;
using Fluo.Hosting.Dashboard.Telemetry;

namespace Fluo.Hosting.Dashboard.Pages;

/// <summary>Draws an instrument's chart as inline SVG: one polyline per series, time on x, a zero-based y axis.</summary>
internal static class SvgChart
{
    private const int Width = 560;
    private const int Height = 160;
    private const int Left = 56;
    private const int Bottom = 20;
    private static readonly string[] Colours = ["#512bd4", "#e8a33d", "#2e9e6b", "#c62828", "#1e88e5", "#8e24aa", "#00897b", "#6d4c41", "#546e7a"];

    public static string Render(InstrumentChart chart)
    {
        var points = chart.Series.SelectMany(s => s.Points).ToList();
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<figure class=\"chart\" data-instrument=\"{HtmlPage.Encode(chart.Name)}\"><figcaption><strong>{HtmlPage.Encode(chart.Name)}</strong> ")
            .Append(CultureInfo.InvariantCulture, $"<span class=\"muted\">{HtmlPage.Encode(chart.Type)} · {HtmlPage.Encode(chart.Shows)}{(chart.Unit.Length > 0 ? $" ({HtmlPage.Encode(chart.Unit)})" : "")}</span></figcaption>");
        if (points.Count == 0)
        {
            return html.Append("<p class=\"muted\">Waiting for a second export to compute a value.</p></figure>").ToString();
        }

        var (t0, t1) = (points.Min(p => p.Time), points.Max(p => p.Time));
        var span = Math.Max(1, (t1 - t0).TotalMilliseconds);
        var max = Math.Max(points.Max(p => p.Value), 0);
        var top = max <= 0 ? 1 : max * 1.1;
        double X(DateTimeOffset t) => Left + ((t - t0).TotalMilliseconds / span * (Width - Left - 8));
        double Y(double v) => (Height - Bottom) * (1 - (v / top)) + 4;
        html.Append(CultureInfo.InvariantCulture, $"<svg viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\">")
            .Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{Y(0):0.0}\" x2=\"{Width - 8}\" y2=\"{Y(0):0.0}\" stroke=\"#bbb\"/>")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{Y(top / 1.1) + 4:0.0}\" text-anchor=\"end\" font-size=\"10\">{Number(top / 1.1)}</text>")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{Y(0):0.0}\" text-anchor=\"end\" font-size=\"10\">0</text>")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{Height - 4}\" font-size=\"10\">{t0:HH:mm:ss}</text>")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - 8}\" y=\"{Height - 4}\" text-anchor=\"end\" font-size=\"10\">{t1:HH:mm:ss}</text>");
        for (var i = 0; i < chart.Series.Count; i++)
        {
            var series = chart.Series[i];
            var coordinates = string.Join(' ', series.Points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{X(p.Time):0.0},{Y(p.Value):0.0}")));
            html.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke-width=\"2\" stroke=\"{Colours[i % Colours.Length]}\" points=\"{coordinates}\"/>");
            foreach (var p in series.Points.TakeLast(1))
            {
                html.Append(CultureInfo.InvariantCulture, $"<circle r=\"3\" cx=\"{X(p.Time):0.0}\" cy=\"{Y(p.Value):0.0}\" fill=\"{Colours[i % Colours.Length]}\"/>");
            }
        }

        html.Append("</svg><ul class=\"legend\">");
        for (var i = 0; i < chart.Series.Count; i++)
        {
            var series = chart.Series[i];
            var latest = series.Points.Count > 0 ? Number(series.Points[^1].Value) : "–";
            html.Append(CultureInfo.InvariantCulture, $"<li><span style=\"color:{Colours[i % Colours.Length]}\">■</span> {HtmlPage.Encode(series.Name)}: <b class=\"latest\">{HtmlPage.Encode(latest)}</b></li>");
        }

        return html.Append("</ul></figure>").ToString();
    }

    /// <summary>A value with up to 3 significant decimals, invariant.</summary>
    public static string Number(double value) =>
        Math.Abs(value) >= 100 ? value.ToString("0.#", CultureInfo.InvariantCulture) : value.ToString("0.###", CultureInfo.InvariantCulture);
}
