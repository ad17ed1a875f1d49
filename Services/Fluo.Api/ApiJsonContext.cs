using System.Text.Json;
using System.Text.Json.Serialization;
using Fluo.Api.Apis;

namespace Fluo.Api;

/// <summary>Source-generated JSON of the Api's own request and response bodies.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TraceAccepted))]
[JsonSerializable(typeof(TracesAccepted))]
[JsonSerializable(typeof(RuleRequest))]
[JsonSerializable(typeof(RuleResponse))]
[JsonSerializable(typeof(ResolveRequest))]
[JsonSerializable(typeof(ExportRequest))]
[JsonSerializable(typeof(ExportAccepted))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
