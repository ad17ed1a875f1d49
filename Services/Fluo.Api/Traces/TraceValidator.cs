using Fluo.Api.Infrastructure;
using Fluo.Contracts.Traces;

namespace Fluo.Api.Traces;

/// <summary>Checks a compact Fluo JSON trace: ids, span count, names, services, durations, duplicate span ids.</summary>
internal static class TraceValidator
{
    /// <summary>Most spans one trace may have.</summary>
    public const int MaxSpans = 10_000;

    // A broken 10,000-span upload should not produce a 10,000-entry error document.
    private const int MaxErrors = 20;

    /// <summary>Adds every problem to <paramref name="validation"/>, naming fields like <c>spans[3].spanId</c>.</summary>
    public static void Validate(TraceDocument? trace, Validation validation)
    {
        if (trace is null)
        {
            validation.Add("$", "a trace object is required");
            return;
        }

        if (!Validation.IsHexId(trace.TraceId, 32))
        {
            validation.Add("traceId", "must be 32 lowercase hex digits, not all zero");
        }

        if (trace.Spans is null || trace.Spans.Count is 0 or > MaxSpans)
        {
            validation.Add("spans", $"must hold 1 to {MaxSpans:N0} spans");
            return;
        }

        var seen = new HashSet<string>(trace.Spans.Count, StringComparer.Ordinal);
        var errors = 0;
        for (var i = 0; i < trace.Spans.Count && errors < MaxErrors; i++)
        {
            var span = trace.Spans[i];
            var at = $"spans[{i}]";
            if (span is null)
            {
                Add(validation, at, "must be a span object", ref errors);
                continue;
            }

            if (!Validation.IsHexId(span.SpanId, 16))
            {
                Add(validation, at + ".spanId", "must be 16 lowercase hex digits, not all zero", ref errors);
            }
            else if (!seen.Add(span.SpanId))
            {
                Add(validation, at + ".spanId", $"duplicates span id {span.SpanId}", ref errors);
            }

            if (span.ParentSpanId is not null && !Validation.IsHexId(span.ParentSpanId, 16))
            {
                Add(validation, at + ".parentSpanId", "must be 16 lowercase hex digits when present", ref errors);
            }

            if (string.IsNullOrWhiteSpace(span.Name))
            {
                Add(validation, at + ".name", "must not be empty", ref errors);
            }

            if (string.IsNullOrWhiteSpace(span.Service))
            {
                Add(validation, at + ".service", "must not be empty", ref errors);
            }

            if (span.Start == default)
            {
                Add(validation, at + ".start", "is required (RFC 3339)", ref errors);
            }

            if (!double.IsFinite(span.DurationMs) || span.DurationMs < 0)
            {
                Add(validation, at + ".durationMs", "must be a number of milliseconds, 0 or more", ref errors);
            }
        }
    }

    private static void Add(Validation validation, string field, string message, ref int errors)
    {
        validation.Add(field, message);
        errors++;
    }
}
