using System.Text.Json.Serialization;

namespace Fluo.Nats.JetStream.Serialization;

/// <summary>Source-generated JSON for the JetStream API: snake_case names, durations in nanoseconds, no reflection.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.Strict,
    Converters = [typeof(NanosecondsConverter)])]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(StreamConfig))]
[JsonSerializable(typeof(StreamInfo))]
[JsonSerializable(typeof(ConsumerConfig))]
[JsonSerializable(typeof(ConsumerInfo))]
[JsonSerializable(typeof(PubAck))]
[JsonSerializable(typeof(AccountInfo))]
[JsonSerializable(typeof(StreamMsgGetRequest))]
[JsonSerializable(typeof(StreamPurgeRequest))]
[JsonSerializable(typeof(StreamNamesRequest))]
[JsonSerializable(typeof(StreamNamesResponse))]
[JsonSerializable(typeof(StreamListResponse))]
[JsonSerializable(typeof(ConsumerNamesResponse))]
[JsonSerializable(typeof(ConsumerListResponse))]
[JsonSerializable(typeof(OffsetRequest))]
[JsonSerializable(typeof(SuccessResponse))]
[JsonSerializable(typeof(PurgeResponse))]
[JsonSerializable(typeof(ConsumerCreateRequest))]
[JsonSerializable(typeof(MsgGetResponse))]
[JsonSerializable(typeof(PullRequest))]
[JsonSerializable(typeof(NakDelay))]
[JsonSerializable(typeof(MaxDeliveriesAdvisory))]
internal sealed partial class NatsJSJsonContext : JsonSerializerContext;
