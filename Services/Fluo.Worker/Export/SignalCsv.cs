using System.Globalization;
using System.Text;
using Fluo.Contracts.Signals;

namespace Fluo.Worker.Export;

/// <summary>Signals as CSV (RFC 4180: a header row, CRLF line ends, fields with commas, quotes or line breaks quoted).</summary>
internal static class SignalCsv
{
    public const string Header = "id,ruleId,ruleName,traceId,jobId,offendingSpanIds,severity,status,createdAt,resolvedAt,resolvedBy";

    public static void WriteHeader(TextWriter writer)
    {
        writer.Write(Header);
        writer.Write("\r\n");
    }

    public static void WriteRow(TextWriter writer, Signal signal, StringBuilder scratch)
    {
        scratch.Clear();
        Field(scratch, signal.Id.ToString()).Append(',');
        Field(scratch, signal.RuleId.ToString()).Append(',');
        Field(scratch, signal.RuleName).Append(',');
        Field(scratch, signal.TraceId).Append(',');
        Field(scratch, signal.JobId.ToString()).Append(',');
        Field(scratch, string.Join(' ', signal.OffendingSpanIds)).Append(',');
        Field(scratch, Name(signal.Severity)).Append(',');
        Field(scratch, signal.Status == SignalStatus.Resolved ? "resolved" : "open").Append(',');
        Field(scratch, signal.CreatedAt.ToString("O", CultureInfo.InvariantCulture)).Append(',');
        Field(scratch, signal.ResolvedAt?.ToString("O", CultureInfo.InvariantCulture)).Append(',');
        Field(scratch, signal.ResolvedBy).Append("\r\n");
        writer.Write(scratch);
    }

    /// <summary>Appends a field, quoted (with quotes doubled) when it holds a comma, quote, CR or LF.</summary>
    public static StringBuilder Field(StringBuilder into, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return into;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return into.Append(value);
        }

        return into.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }

    private static string Name(Contracts.Rules.Severity severity) => severity switch
    {
        Contracts.Rules.Severity.Info => "info",
        Contracts.Rules.Severity.Warning => "warning",
        Contracts.Rules.Severity.Error => "error",
        _ => "critical",
    };
}
