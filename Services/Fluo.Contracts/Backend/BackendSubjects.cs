namespace Fluo.Contracts.Backend;

/// <summary>
/// The Backend's request-reply endpoints. Each is a NATS micro-service endpoint of the service
/// <see cref="ServiceName"/> in queue group <see cref="QueueGroup"/>; errors come back with the
/// <c>Nats-Service-Error</c> / <c>Nats-Service-Error-Code</c> headers (400 bad request, 404 not found, 409 conflict).
/// </summary>
public static class BackendSubjects
{
    /// <summary>The micro-service name answered on <c>$SRV.PING/INFO/STATS.fluo-backend</c>.</summary>
    public const string ServiceName = "fluo-backend";

    /// <summary>Replicas share the endpoints through this queue group.</summary>
    public const string QueueGroup = "backend";

    /// <summary>Every endpoint's subject starts with this.</summary>
    public const string Prefix = "fluo.backend";

    /// <summary><see cref="RuleListRequest"/> → <see cref="RuleList"/>.</summary>
    public const string RulesList = Prefix + ".rules.list";

    /// <summary><see cref="IdRequest"/> → <see cref="Rules.Rule"/>.</summary>
    public const string RulesGet = Prefix + ".rules.get";

    /// <summary><see cref="IdRequest"/> → <see cref="TraceReply"/> (by trace id in <see cref="IdRequest.Key"/>).</summary>
    public const string TracesGet = Prefix + ".traces.get";

    /// <summary><see cref="RecentTracesRequest"/> → <see cref="TraceList"/>.</summary>
    public const string TracesRecent = Prefix + ".traces.recent";

    /// <summary><see cref="SignalQuery"/> → <see cref="SignalPage"/>.</summary>
    public const string SignalsList = Prefix + ".signals.list";

    /// <summary><see cref="IdRequest"/> → <see cref="Signals.Signal"/>.</summary>
    public const string SignalsGet = Prefix + ".signals.get";

    /// <summary><see cref="ResolveSignalRequest"/> → <see cref="Signals.Signal"/>; publishes <c>signals.status.resolved</c> or <c>.open</c> on a change.</summary>
    public const string SignalsSetStatus = Prefix + ".signals.status";

    /// <summary>
    /// <see cref="RecordSignalsRequest"/> → <see cref="RecordSignalsReply"/>; idempotent per (job, rule). With a
    /// <see cref="RecordSignalsRequest.Completion"/> it also does <see cref="JobsComplete"/>'s work (and refusals) for the job.
    /// </summary>
    public const string SignalsRecord = Prefix + ".signals.record";

    /// <summary>
    /// <see cref="BatchRequest{TItem}"/> of <see cref="RecordSignalsRequest"/> → <see cref="BatchReply{TResult}"/> of
    /// <see cref="RecordSignalsReply"/>: <see cref="SignalsRecord"/> for many jobs in one database round trip, an outcome per item.
    /// </summary>
    public const string SignalsRecordBatch = Prefix + ".signals.record.batch";

    /// <summary><see cref="SignalCountsRequest"/> → <see cref="SignalCounts"/>.</summary>
    public const string SignalsCounts = Prefix + ".signals.counts";

    /// <summary><see cref="IdRequest"/> → <see cref="JobRecord"/>.</summary>
    public const string JobsGet = Prefix + ".jobs.get";

    /// <summary><see cref="JobListRequest"/> → <see cref="JobList"/>.</summary>
    public const string JobsList = Prefix + ".jobs.list";

    /// <summary><see cref="Jobs.JobStatus"/> → <see cref="JobRecord"/>: the worker records a job's final state.</summary>
    public const string JobsComplete = Prefix + ".jobs.complete";

    /// <summary>
    /// <see cref="BatchRequest{TItem}"/> of <see cref="Jobs.JobStatus"/> → <see cref="BatchReply{TResult}"/> of
    /// <see cref="JobRecord"/>: <see cref="JobsComplete"/> for many jobs in one database round trip, an outcome per item.
    /// </summary>
    public const string JobsCompleteBatch = Prefix + ".jobs.complete.batch";

    /// <summary><see cref="ExportChunk"/> → <see cref="Ack"/>; idempotent per (export, index).</summary>
    public const string ExportsAppend = Prefix + ".exports.append";

    /// <summary><see cref="ExportCompleteRequest"/> → <see cref="ExportInfo"/>.</summary>
    public const string ExportsComplete = Prefix + ".exports.complete";

    /// <summary><see cref="IdRequest"/> → <see cref="ExportInfo"/>.</summary>
    public const string ExportsGet = Prefix + ".exports.get";

    /// <summary><see cref="ExportChunkRequest"/> → <see cref="ExportChunk"/>: downloads read the file chunk by chunk.</summary>
    public const string ExportsChunk = Prefix + ".exports.chunk";
}
