using Fluo.Contracts.Traces;

namespace Fluo.Rules.Evaluation;

/// <summary>
/// The mutable state of one evaluation: the trace, the span being tested and the per-trace cache of
/// trace.has/count and trace.duration. One per thread is reused, so a compiled rule stays immutable and
/// evaluating it allocates nothing when nothing is violated.
/// </summary>
internal sealed class EvalContext
{
    [ThreadStatic]
    private static EvalContext? t_free;

    private double[] _values = new double[4];
    private int[] _stamps = new int[4];
    private int _epoch;
    private double _traceDurationMs = double.NaN;

    public TraceDocument Trace { get; private set; } = null!;

    public IReadOnlyList<TraceSpan> Spans { get; private set; } = [];

    /// <summary>The span the predicate is looking at; only read by nodes the binder allowed to use the span.</summary>
    public TraceSpan Span { get; set; } = null!;

    public static EvalContext Rent(TraceDocument trace, int slotCount)
    {
        var context = t_free ?? new EvalContext();
        t_free = null;
        context.Start(trace, slotCount);
        return context;
    }

    public static void Return(EvalContext context)
    {
        context.Trace = null!;
        context.Spans = [];
        context.Span = null!;
        t_free = context;
    }

    public bool TryGetCached(int slot, out double value)
    {
        value = _values[slot];
        return _stamps[slot] == _epoch;
    }

    public void Store(int slot, double value)
    {
        _values[slot] = value;
        _stamps[slot] = _epoch;
    }

    /// <summary>From the earliest start to the latest end over all spans, in milliseconds; computed once per trace.</summary>
    public double TraceDurationMs
    {
        get
        {
            if (double.IsNaN(_traceDurationMs))
            {
                _traceDurationMs = ComputeTraceDuration(Spans);
            }

            return _traceDurationMs;
        }
    }

    private void Start(TraceDocument trace, int slotCount)
    {
        Trace = trace;
        Spans = trace.Spans ?? [];
        _traceDurationMs = double.NaN;
        if (_stamps.Length < slotCount)
        {
            _values = new double[slotCount];
            _stamps = new int[slotCount];
        }

        // A new epoch invalidates every cached slot without clearing the arrays.
        if (++_epoch == 0)
        {
            Array.Clear(_stamps);
            _epoch = 1;
        }
    }

    private static double ComputeTraceDuration(IReadOnlyList<TraceSpan> spans)
    {
        // Offsets from one span's start keep the arithmetic exact: absolute ticks exceed a double's 53-bit mantissa.
        long? origin = null;
        var first = double.PositiveInfinity;
        var last = double.NegativeInfinity;
        for (var i = 0; i < spans.Count; i++)
        {
            if (spans[i] is not { } span)
            {
                continue;
            }

            origin ??= span.Start.UtcTicks;
            var start = (span.Start.UtcTicks - origin.Value) / (double)TimeSpan.TicksPerMillisecond;
            var end = start + span.DurationMs;

            // Written as comparisons, not Math.Min/Max, so a NaN duration is ignored instead of poisoning the result.
            if (start < first)
            {
                first = start;
            }

            if (end > last)
            {
                last = end;
            }
        }

        return double.IsFinite(first) && last > first ? last - first : 0;
    }
}
