using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fluo.Web.Live;

/// <summary>One sample on the <c>metrics</c> channel (also what the Overview and System pages render first).</summary>
/// <param name="At">When it was taken.</param>
/// <param name="Jobs">Jobs per state (queued, running, succeeded, failed, dead).</param>
/// <param name="TracesPerSecond">trace_analysis jobs seen per second since the last sample.</param>
/// <param name="OpenSignals">Open signals per severity (null when the Backend did not answer).</param>
/// <param name="Streams">Stream states.</param>
/// <param name="Consumers">Consumer states (lag = pending).</param>
/// <param name="Connections">WebSockets open on this replica.</param>
/// <param name="NatsConnected">Whether this replica's NATS connection is up.</param>
public sealed record MetricsSample(
    DateTimeOffset At,
    IReadOnlyDictionary<string, long> Jobs,
    double TracesPerSecond,
    IReadOnlyDictionary<string, long>? OpenSignals,
    IReadOnlyList<StreamSample> Streams,
    IReadOnlyList<ConsumerSample> Consumers,
    int Connections,
    bool NatsConnected);

/// <summary>A stream's state.</summary>
/// <param name="Name">The stream.</param>
/// <param name="Messages">Messages stored.</param>
/// <param name="Bytes">Bytes stored.</param>
/// <param name="LastSeq">Last sequence.</param>
/// <param name="Consumers">Consumers.</param>
/// <param name="Retention">limits, interest or workqueue.</param>
public sealed record StreamSample(string Name, ulong Messages, ulong Bytes, ulong LastSeq, int Consumers, string Retention);

/// <summary>A consumer's state.</summary>
/// <param name="Stream">Its stream.</param>
/// <param name="Name">Its name.</param>
/// <param name="Pending">Messages not yet delivered (the lag).</param>
/// <param name="AckPending">Delivered, not yet acknowledged.</param>
/// <param name="Redelivered">Redelivered and not acknowledged.</param>
/// <param name="Waiting">Pull requests waiting.</param>
public sealed record ConsumerSample(string Stream, string Name, ulong Pending, long AckPending, long Redelivered, long Waiting);

/// <summary>The web process's own JSON (source-generated, camelCase like Fluo's contracts).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MetricsSample))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(IReadOnlyList<Fluo.Contracts.Jobs.ExpressionError>))]
public sealed partial class WebJsonContext : JsonSerializerContext;

/// <summary>Answer of <c>GET /api/token</c>.</summary>
/// <param name="Token">Send it in an <c>authenticate</c> frame.</param>
/// <param name="ExpiresAt">When it stops working.</param>
public sealed record TokenResponse(string Token, DateTimeOffset ExpiresAt);
