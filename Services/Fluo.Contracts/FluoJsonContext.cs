using System.Text.Json;
using System.Text.Json.Serialization;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Events;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Rules;
using Fluo.Contracts.Signals;
using Fluo.Contracts.Traces;
using Fluo.Nats;

namespace Fluo.Contracts;

/// <summary>
/// The source-generated JSON of every message Fluo's services exchange: camelCase names, nulls omitted,
/// enums as their lowercase names. Used over NATS (<see cref="Registry"/>) and HTTP alike.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TraceDocument))]
[JsonSerializable(typeof(Rule))]
[JsonSerializable(typeof(Signal))]
[JsonSerializable(typeof(SignalStatusChanged))]
[JsonSerializable(typeof(SignalFilter))]
[JsonSerializable(typeof(TraceAnalysisJob))]
[JsonSerializable(typeof(RuleValidationJob))]
[JsonSerializable(typeof(DataExportJob))]
[JsonSerializable(typeof(JobStatus))]
[JsonSerializable(typeof(ServiceStarted))]
[JsonSerializable(typeof(UserLogin))]
[JsonSerializable(typeof(IdRequest))]
[JsonSerializable(typeof(Ack))]
[JsonSerializable(typeof(RuleListRequest))]
[JsonSerializable(typeof(RuleList))]
[JsonSerializable(typeof(TraceReply))]
[JsonSerializable(typeof(RecentTracesRequest))]
[JsonSerializable(typeof(TraceList))]
[JsonSerializable(typeof(SignalQuery))]
[JsonSerializable(typeof(SignalPage))]
[JsonSerializable(typeof(ResolveSignalRequest))]
[JsonSerializable(typeof(RecordSignalsRequest))]
[JsonSerializable(typeof(RecordSignalsReply))]
[JsonSerializable(typeof(SignalCountsRequest))]
[JsonSerializable(typeof(SignalCounts))]
[JsonSerializable(typeof(JobRecord))]
[JsonSerializable(typeof(JobListRequest))]
[JsonSerializable(typeof(JobList))]
[JsonSerializable(typeof(ExportChunk))]
[JsonSerializable(typeof(ExportChunkRequest))]
[JsonSerializable(typeof(ExportCompleteRequest))]
[JsonSerializable(typeof(ExportInfo))]
[JsonSerializable(typeof(BatchRequest<JobStatus>))]
[JsonSerializable(typeof(BatchReply<JobRecord>))]
[JsonSerializable(typeof(BatchRequest<RecordSignalsRequest>))]
[JsonSerializable(typeof(BatchReply<RecordSignalsReply>))]
public sealed partial class FluoJsonContext : JsonSerializerContext
{
    private static NatsJsonContextSerializerRegistry? _registry;
    private static FluoJsonContext? _traces;

    /// <summary>
    /// This context with <see cref="TraceSpanJsonConverter"/>, for reading traces in bulk (trace_analysis payloads);
    /// the same JSON as <see cref="Default"/>, read with less work.
    /// </summary>
    public static FluoJsonContext Traces => _traces ??= new FluoJsonContext(WithTraceSpanConverter(new JsonSerializerOptions(Default.Options) { TypeInfoResolver = null }));

    /// <summary>A NATS serializer registry for every message above (plus raw payloads): set it as <c>NatsOpts.SerializerRegistry</c>.</summary>
    public static NatsJsonContextSerializerRegistry Registry => _registry ??= new NatsJsonContextSerializerRegistry(Default);

    /// <summary>Adds <see cref="TraceSpanJsonConverter"/> to <paramref name="options"/> (not yet in use) and returns them.</summary>
    public static JsonSerializerOptions WithTraceSpanConverter(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Converters.Add(new TraceSpanJsonConverter());
        return options;
    }
}
