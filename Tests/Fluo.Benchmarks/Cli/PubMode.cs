using System.Diagnostics;

namespace Fluo.Benchmarks.Cli;

/// <summary>One connection publishes <c>n</c> messages then flushes; timed from the first publish to the PONG of the flush.</summary>
internal sealed class PubMode(BenchContext context) : IBenchMode
{
    public async Task<TimeSpan> RunAsync(int count)
    {
        var subject = context.NextSubject("pub");
        var watch = Stopwatch.StartNew();
        await context.PublishAllAsync(subject, count);
        return watch.Elapsed;
    }

    public ValueTask DisposeAsync() => default;
}
