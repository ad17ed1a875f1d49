using Fluo.Backend.Data;
using Fluo.Contracts.Signals;
using Npgsql;

namespace Fluo.Backend.Signals;

/// <summary>The signals table's columns and how a row becomes a <see cref="Signal"/>.</summary>
internal static class SignalRows
{
    public const string Columns = "id, rule_id, rule_name, trace_id, job_id, offending_span_ids, severity, status, created_at, resolved_at, resolved_by";

    public static Signal Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetGuid(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetGuid(4),
        reader.GetFieldValue<string[]>(5),
        DbNames.SeverityOf(reader.GetString(6)),
        DbNames.StatusOf(reader.GetString(7)),
        reader.GetFieldValue<DateTimeOffset>(8),
        reader.GetNullable<DateTimeOffset>(9),
        reader.GetNullableString(10));
}
