using System.Security.Cryptography;
using System.Text.Json;
using Fluo.Contracts;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Signals;
using Fluo.Contracts.Traces;
using Npgsql;
using NpgsqlTypes;

namespace Fluo.Backend.Tests;

/// <summary>Rows written the way the Api writes them.</summary>
internal static class Seed
{
    public static string NewTraceId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string NewSpanId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static TraceDocument Trace(string? traceId = null, int spans = 2)
    {
        var id = traceId ?? NewTraceId();
        var root = NewSpanId();
        var start = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var list = new List<TraceSpan>
        {
            new(root, null, "GET /orders", "api", start, 120.5, SpanStatus.Ok,
                new Dictionary<string, AttributeValue> { ["http.status_code"] = AttributeValue.FromNumber(200), ["cached"] = AttributeValue.FromBool(false) }),
        };
        for (var i = 1; i < spans; i++)
        {
            list.Add(new TraceSpan(NewSpanId(), root, $"db {i}", "orders", start.AddMilliseconds(i), 10 * i, SpanStatus.Error,
                new Dictionary<string, AttributeValue> { ["db.system"] = AttributeValue.FromString("postgresql") }));
        }

        return new TraceDocument(id, list);
    }

    public static async Task<TraceDocument> TraceAsync(this NpgsqlDataSource db, TraceDocument? trace = null, DateTimeOffset? receivedAt = null)
    {
        trace ??= Trace();
        await using var command = db.CreateCommand("INSERT INTO traces (trace_id, document, span_count, received_at) VALUES (@id, @doc, @spans, @at)");
        command.Parameters.AddWithValue("id", trace.TraceId);
        command.Parameters.Add(new NpgsqlParameter("doc", NpgsqlDbType.Json) { Value = JsonSerializer.Serialize(trace, FluoJsonContext.Default.TraceDocument) });
        command.Parameters.AddWithValue("spans", trace.Spans.Count);
        command.Parameters.AddWithValue("at", receivedAt ?? DateTimeOffset.UtcNow);
        await command.ExecuteNonQueryAsync();
        return trace;
    }

    public static async Task<Guid> RuleAsync(this NpgsqlDataSource db, string name, string severity = "error", bool enabled = true, bool deleted = false, string expression = "span.duration > 100ms")
    {
        var id = Guid.NewGuid();
        await using var command = db.CreateCommand("INSERT INTO rules (id, name, severity, enabled, expression, deleted) VALUES (@id, @name, @severity, @enabled, @expression, @deleted)");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("severity", severity);
        command.Parameters.AddWithValue("enabled", enabled);
        command.Parameters.AddWithValue("expression", expression);
        command.Parameters.AddWithValue("deleted", deleted);
        await command.ExecuteNonQueryAsync();
        return id;
    }

    public static async Task<Guid> JobAsync(this NpgsqlDataSource db, JobType type, string state = "queued", DateTimeOffset? createdAt = null)
    {
        var id = Guid.NewGuid();
        await using var command = db.CreateCommand("INSERT INTO jobs (id, type, state, subject, created_at, updated_at) VALUES (@id, @type, @state, @subject, @at, @at)");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("type", type switch { JobType.TraceAnalysis => "trace_analysis", JobType.RuleValidation => "rule_validation", _ => "data_export" });
        command.Parameters.AddWithValue("state", state);
        command.Parameters.AddWithValue("subject", Fluo.Contracts.Messaging.Subjects.For(type));
        command.Parameters.AddWithValue("at", createdAt ?? DateTimeOffset.UtcNow);
        await command.ExecuteNonQueryAsync();
        return id;
    }

    public static async Task<(Guid ExportId, Guid JobId)> ExportAsync(this NpgsqlDataSource db, SignalFilter filter, string format = "csv")
    {
        var jobId = await db.JobAsync(JobType.DataExport);
        var id = Guid.NewGuid();
        await using var command = db.CreateCommand("INSERT INTO exports (id, job_id, format, filter) VALUES (@id, @job, @format, @filter)");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("job", jobId);
        command.Parameters.AddWithValue("format", format);
        command.Parameters.Add(new NpgsqlParameter("filter", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(filter, FluoJsonContext.Default.SignalFilter) });
        await command.ExecuteNonQueryAsync();
        return (id, jobId);
    }

    public static async Task<T?> ScalarAsync<T>(this NpgsqlDataSource db, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = db.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T?)await command.ExecuteScalarAsync();
    }
}
