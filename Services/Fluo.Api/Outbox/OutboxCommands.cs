using System.Diagnostics;
using System.Text.Json;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;
using Npgsql;
using NpgsqlTypes;

namespace Fluo.Api.Outbox;

/// <summary>
/// Adds a job and its outbox message to a batch that also writes the Api's own rows, so both commit together. The
/// message's headers carry the current trace context; the relay publishes it with <c>Nats-Msg-Id</c> = the job id.
/// </summary>
internal static class OutboxCommands
{
    /// <summary>
    /// Queues a <c>jobs</c> row (state queued) and the outbox row that publishes <paramref name="payload"/>; returns that
    /// row, for <see cref="CommittedOutbox"/> once the batch has committed.
    /// </summary>
    public static OutboxRow AddJob(NpgsqlBatch batch, Guid jobId, JobType type, byte[] payload, string? headers)
    {
        var subject = Subjects.For(type);
        batch.BatchCommands.Add(Command("INSERT INTO jobs (id, type, state, subject) VALUES ($1, $2, 'queued', $3)", jobId, TypeName(type), subject));
        var outbox = Command("INSERT INTO outbox (id, subject, payload, headers) VALUES ($1, $2, $3, $4)", jobId, subject, payload);
        outbox.Parameters.Add(new NpgsqlParameter { Value = (object?)headers ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        batch.BatchCommands.Add(outbox);
        return new OutboxRow(jobId, subject, payload, headers, DateTimeOffset.UtcNow);
    }

    /// <summary>A batch command with positional parameters ($1, $2...).</summary>
    public static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    /// <summary>The database name of a job type.</summary>
    public static string TypeName(JobType type) => type switch
    {
        JobType.TraceAnalysis => "trace_analysis",
        JobType.RuleValidation => "rule_validation",
        _ => "data_export",
    };

    /// <summary>
    /// The W3C context to store with a message: the current activity's (the HTTP request span), else the request's
    /// own <c>traceparent</c>/<c>tracestate</c> headers; null when there is none.
    /// </summary>
    public static string? CurrentTraceHeaders(HttpContext? http)
    {
        var headers = new Dictionary<string, string>(2, StringComparer.Ordinal);
        if (Activity.Current is { } activity)
        {
            DistributedContextPropagator.Current.Inject(activity, headers, static (carrier, key, value) =>
            {
                if (carrier is Dictionary<string, string> h && value is not null)
                {
                    h[key] = value;
                }
            });
        }
        else if (http is not null && http.Request.Headers.TryGetValue("traceparent", out var parent))
        {
            headers["traceparent"] = parent.ToString();
            if (http.Request.Headers.TryGetValue("tracestate", out var state))
            {
                headers["tracestate"] = state.ToString();
            }
        }

        return headers.Count == 0 ? null : JsonSerializer.Serialize(headers, ApiJsonContext.Default.DictionaryStringString);
    }
}
