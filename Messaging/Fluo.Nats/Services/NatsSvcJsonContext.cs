using System.Text.Json.Serialization;
using Fluo.Nats.JetStream.Serialization;
using Fluo.Nats.Services.Models;

namespace Fluo.Nats.Services;

/// <summary>
/// Source-generated JSON for the <c>$SRV</c> responses (snake_case, durations in nanoseconds). Add it to a
/// <see cref="NatsJsonContextSerializerRegistry"/> to read <see cref="PingResponse"/>, <see cref="InfoResponse"/>
/// and <see cref="StatsResponse"/> from requests to <c>$SRV.*</c>.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.Strict,
    Converters = [typeof(NanosecondsConverter)])]
[JsonSerializable(typeof(PingResponse))]
[JsonSerializable(typeof(InfoResponse))]
[JsonSerializable(typeof(StatsResponse))]
public sealed partial class NatsSvcJsonContext : JsonSerializerContext;
