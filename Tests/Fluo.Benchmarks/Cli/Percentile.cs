namespace Fluo.Benchmarks.Cli;

/// <summary>Percentiles of latencies, by the nearest-rank rule every benchmark here reports with.</summary>
internal static class Percentile
{
    /// <summary>The <paramref name="q"/> quantile (0–1) of <paramref name="sorted"/>, which must be in ascending order and not empty.</summary>
    public static double Of(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
}
