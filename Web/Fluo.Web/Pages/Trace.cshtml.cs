using Fluo.Contracts.Backend;
using Fluo.Contracts.Signals;
using Fluo.Contracts.Traces;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Fluo.Web.Pages;

/// <summary>One trace as a waterfall (parent before children), with the spans its signals blame highlighted.</summary>
public sealed class TraceModel(BackendClient backend) : PageModel
{
    /// <summary>The trace id.</summary>
    [BindProperty(SupportsGet = true)]
    public string TraceId { get; set; } = string.Empty;

    /// <summary>The trace.</summary>
    public TraceDocument? Trace { get; private set; }

    /// <summary>Its signals.</summary>
    public IReadOnlyList<Signal> Signals { get; private set; } = [];

    /// <summary>Offending span ids of all its signals.</summary>
    public HashSet<string> Offending { get; } = new(StringComparer.Ordinal);

    /// <summary>Rows in display order.</summary>
    public List<WaterfallRow> Rows { get; } = [];

    /// <summary>From the first start to the last end.</summary>
    public double TotalMs { get; private set; }

    /// <summary>Why there is nothing to show.</summary>
    public string? Error { get; private set; }

    /// <summary>Loads the trace and its signals.</summary>
    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        try
        {
            Trace = (await backend.RequestAsync<IdRequest, TraceReply>(BackendSubjects.TracesGet, new IdRequest(Key: TraceId), cancellationToken)).Trace;
            Signals = (await backend.RequestAsync<SignalQuery, SignalPage>(BackendSubjects.SignalsList, new SignalQuery(new SignalFilter(TraceId: TraceId), 0, 100), cancellationToken)).Items;
        }
        catch (BackendException ex)
        {
            Error = ex.StatusCode == 404 ? $"There is no trace {TraceId}." : "The trace could not be loaded: " + ex.Message;
            return;
        }

        foreach (var id in Signals.SelectMany(s => s.OffendingSpanIds))
        {
            Offending.Add(id);
        }

        Layout(Trace);
    }

    private void Layout(TraceDocument trace)
    {
        if (trace.Spans.Count == 0)
        {
            return;
        }

        var start = trace.Spans.Min(s => s.Start);
        var end = trace.Spans.Max(s => s.Start + s.Duration);
        TotalMs = Math.Max((end - start).TotalMilliseconds, 0.001);
        var ids = trace.Spans.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        var children = trace.Spans.Where(s => s.ParentSpanId is not null && ids.Contains(s.ParentSpanId))
            .ToLookup(s => s.ParentSpanId!, StringComparer.Ordinal);
        void Add(TraceSpan span, int depth)
        {
            var left = (span.Start - start).TotalMilliseconds / TotalMs * 100;
            Rows.Add(new WaterfallRow(span, depth, left, Math.Max(span.DurationMs / TotalMs * 100, 0.3)));
            foreach (var child in children[span.SpanId].OrderBy(c => c.Start))
            {
                Add(child, depth + 1);
            }
        }

        // Roots: spans without a parent, or whose parent is not in the trace (partial traces).
        foreach (var root in trace.Spans.Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId)).OrderBy(s => s.Start))
        {
            Add(root, 0);
        }
    }

    /// <summary>A waterfall row.</summary>
    /// <param name="Span">The span.</param>
    /// <param name="Depth">Nesting depth.</param>
    /// <param name="Left">Start offset in percent of the trace.</param>
    /// <param name="Width">Duration in percent of the trace.</param>
    public sealed record WaterfallRow(TraceSpan Span, int Depth, double Left, double Width);
}
