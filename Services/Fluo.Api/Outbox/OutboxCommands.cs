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
    public static OutboxRow AddJob(NpgsqlBatch batch, Guid jobId, JobType type, byte[] payload, string? headers) =>
        AddJobs(batch, type, [new QueuedJob(jobId, payload, headers)])[0];

    /// <summary>
    /// <see cref="AddJob"/> for many jobs of one type in two statements whatever their number (a statement per row would
    /// cost the database an executor start and end for each), the outbox rows in the order of <paramref name="jobs"/>.
    /// A job with a <see cref="QueuedJob.TraceId"/> is stored without its payload (see <see cref="QueuedJob"/>); the
    /// returned rows carry every payload.
    /// </summary>
    public static IReadOnlyList<OutboxRow> AddJobs(NpgsqlBatch batch, JobType type, IReadOnlyList<QueuedJob> jobs)
    {
        var subject = Subjects.For(type);
        var ids = new Guid[jobs.Count];
        var payloads = new byte[]?[jobs.Count];
        var traceIds = new string?[jobs.Count];
        var headers = new string?[jobs.Count];
        var rows = new OutboxRow[jobs.Count];
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < jobs.Count; i++)
        {
            (ids[i], traceIds[i], headers[i]) = (jobs[i].Id, jobs[i].TraceId, jobs[i].Headers);
            payloads[i] = jobs[i].TraceId is null ? jobs[i].Payload : null;
            rows[i] = new OutboxRow(jobs[i].Id, subject, jobs[i].Payload, jobs[i].Headers, now);
        }

        batch.BatchCommands.Add(Command("INSERT INTO jobs (id, type, state, subject) SELECT id, $2, 'queued', $3 FROM unnest($1::uuid[]) AS id", ids, TypeName(type), subject));

        // unnest yields the arrays in order, so seq (the sweep's order) follows the order of the jobs.
        var outbox = Command(
            "INSERT INTO outbox (id, subject, payload, headers, trace_id) SELECT id, $2, payload, headers, trace_id " +
            "FROM unnest($1::uuid[], $3::bytea[], $4::jsonb[], $5::text[]) AS r(id, payload, headers, trace_id)", ids, subject, payloads);
        outbox.Parameters.Add(new NpgsqlParameter { Value = headers, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        outbox.Parameters.Add(new NpgsqlParameter { Value = traceIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        batch.BatchCommands.Add(outbox);
        return rows;
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

/// <summary>A job to queue with <see cref="OutboxCommands.AddJobs"/>: its id, payload and stored headers (trace context as JSON, or null).</summary>
/// <param name="Id">The job id (the message's <c>Nats-Msg-Id</c>).</param>
/// <param name="Payload">The message body, published from memory by the relay's fast path.</param>
/// <param name="Headers">The stored headers: trace context as JSON, or null.</param>
/// <param name="TraceId">
/// For a trace_analysis job, its trace, which the same transaction stores in <c>traces</c>: the outbox row then names it
/// instead of holding <paramref name="Payload"/>, and the sweep builds the payload from the stored trace.
/// </param>
internal sealed record QueuedJob(Guid Id, byte[] Payload, string? Headers, string? TraceId = null);
