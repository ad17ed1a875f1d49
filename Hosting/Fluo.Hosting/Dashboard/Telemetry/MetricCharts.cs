using System.Globalization;

namespace Fluo.Hosting.Dashboard.Telemetry;

/// <summary>One value of a chart line.</summary>
public sealed record ChartPoint(DateTimeOffset Time, double Value);

/// <summary>One line of a chart: a rate, a percentile or a gauge value of one series (instance and attributes).</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points);

/// <summary>What the metrics view draws for one instrument.</summary>
/// <param name="Name">The instrument.</param>
/// <param name="Unit">Its unit (for rates: per second).</param>
/// <param name="Type"><c>counter</c>, <c>updowncounter</c>, <c>gauge</c> or <c>histogram</c>.</param>
/// <param name="Shows">What the values are: <c>rate</c>, <c>value</c> or <c>percentiles</c>.</param>
/// <param name="Series">The lines.</param>
public sealed record InstrumentChart(string Name, string Unit, string Type, string Shows, IReadOnlyList<ChartSeries> Series);

/// <summary>
/// Turns stored metric points into charts: counters as rates (the increase between two exports over their time
/// apart), histograms as p50/p95/p99 of what was recorded between two exports (interpolated inside the bucket,
/// as Prometheus' histogram_quantile), gauges and up-down counters as their values. Points are cumulative,
/// which is what the OpenTelemetry SDKs export by default.
/// </summary>
public static class MetricCharts
{
    private const int MaxSeriesPerChart = 9;
    private static readonly double[] Quantiles = [0.5, 0.95, 0.99];

    /// <summary>One chart per instrument, by name.</summary>
    public static IReadOnlyList<InstrumentChart> Build(IReadOnlyList<StoredMetricPoint> points) =>
        points.GroupBy(p => p.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(instrument =>
        {
            var first = instrument.First();
            // The instance id names a line only when several replicas report the instrument.
            var instances = instrument.Select(p => p.InstanceId).Distinct(StringComparer.Ordinal).Count() > 1;
            var keyed = instrument.GroupBy(p => SeriesKey(p, instances), StringComparer.Ordinal).Select(s => (Key: s.Key, Points: s.OrderBy(p => p.Time).ToList())).ToList();
            return first.Type switch
            {
                "counter" => new InstrumentChart(first.Name, $"{first.Unit}/s", first.Type, "rate",
                    [.. keyed.Take(MaxSeriesPerChart).Select(s => new ChartSeries(Label("rate", s.Key), Rates(s.Points)))]),
                "histogram" => new InstrumentChart(first.Name, first.Unit, first.Type, "percentiles",
                    [.. keyed.SelectMany(s => Percentiles(s.Points).Select(p => new ChartSeries(Label(p.Name, s.Key), p.Points))).Take(MaxSeriesPerChart)]),
                _ => new InstrumentChart(first.Name, first.Unit, first.Type, "value",
                    [.. keyed.Take(MaxSeriesPerChart).Select(s => new ChartSeries(Label("value", s.Key), [.. s.Points.Select(p => new ChartPoint(p.Time, p.Value ?? 0))]))]),
            };
        }).ToList();

    /// <summary>Increase per second between consecutive cumulative values (a drop is a restart: the new value is the increase).</summary>
    public static IReadOnlyList<ChartPoint> Rates(IReadOnlyList<StoredMetricPoint> cumulative)
    {
        var result = new List<ChartPoint>();
        for (var i = 1; i < cumulative.Count; i++)
        {
            var seconds = (cumulative[i].Time - cumulative[i - 1].Time).TotalSeconds;
            if (seconds <= 0)
            {
                continue;
            }

            var (before, now) = (cumulative[i - 1].Value ?? 0, cumulative[i].Value ?? 0);
            result.Add(new ChartPoint(cumulative[i].Time, (now >= before ? now - before : now) / seconds));
        }

        return result;
    }

    /// <summary>p50, p95 and p99 of each interval between consecutive cumulative histograms (the first one: since the start).</summary>
    public static IReadOnlyList<(string Name, IReadOnlyList<ChartPoint> Points)> Percentiles(IReadOnlyList<StoredMetricPoint> cumulative)
    {
        var lines = Quantiles.Select(_ => new List<ChartPoint>()).ToArray();
        for (var i = 0; i < cumulative.Count; i++)
        {
            var point = cumulative[i];
            if (point.BucketCounts is not { Count: > 0 } counts || point.Bounds is not { } bounds)
            {
                continue;
            }

            var previous = i > 0 && cumulative[i - 1].BucketCounts is { } p && p.Count == counts.Count && (cumulative[i - 1].Count ?? 0) <= (point.Count ?? 0) ? p : null;
            var interval = counts.Select((c, b) => (double)(previous is null ? c : c - previous[b])).ToArray();
            if (interval.Sum() <= 0)
            {
                continue;
            }

            for (var q = 0; q < Quantiles.Length; q++)
            {
                lines[q].Add(new ChartPoint(point.Time, Quantile(Quantiles[q], bounds, interval)));
            }
        }

        return [.. Quantiles.Select((q, i) => ($"p{(q * 100).ToString("0", CultureInfo.InvariantCulture)}", (IReadOnlyList<ChartPoint>)lines[i]))];
    }

    /// <summary>The <paramref name="quantile"/> of an explicit-bounds histogram, interpolated linearly inside its bucket.</summary>
    public static double Quantile(double quantile, IReadOnlyList<double> bounds, IReadOnlyList<double> counts)
    {
        var total = counts.Sum();
        var rank = quantile * total;
        var seen = 0.0;
        for (var b = 0; b < counts.Count; b++)
        {
            if (counts[b] > 0 && seen + counts[b] >= rank)
            {
                if (b >= bounds.Count)
                {
                    return bounds.Count > 0 ? bounds[^1] : 0; // the overflow bucket has no upper bound
                }

                var lower = b == 0 ? Math.Min(0, bounds[0]) : bounds[b - 1];
                return lower + ((bounds[b] - lower) * (rank - seen) / counts[b]);
            }

            seen += counts[b];
        }

        return bounds.Count > 0 ? bounds[^1] : 0;
    }

    private static string SeriesKey(StoredMetricPoint point, bool withInstance) =>
        string.Join(", ", point.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}")
            .Prepend(withInstance && point.InstanceId is { Length: > 0 } instance ? instance : string.Empty).Where(s => s.Length > 0));

    private static string Label(string what, string key) => key.Length == 0 ? what : $"{what} {key}";
}
