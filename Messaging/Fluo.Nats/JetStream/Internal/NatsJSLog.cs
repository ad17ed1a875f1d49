using Microsoft.Extensions.Logging;

namespace Fluo.Nats.JetStream.Internal;

internal static partial class NatsJSLog
{
    [LoggerMessage(101, LogLevel.Warning, "No JetStream responder for a publish to {Subject} (attempt {Attempt} of {Attempts}); retrying")]
    public static partial void PublishNoResponders(ILogger logger, string subject, int attempt, int attempts);

    [LoggerMessage(102, LogLevel.Warning, "Consume of {Stream}/{Consumer}: no message or heartbeat for {Silence}; pulling again")]
    public static partial void HeartbeatMissed(ILogger logger, string stream, string consumer, TimeSpan silence);

    [LoggerMessage(103, LogLevel.Information, "Consume of {Stream}/{Consumer}: connection re-established; pulling again")]
    public static partial void PullAfterReconnect(ILogger logger, string stream, string consumer);

    [LoggerMessage(104, LogLevel.Warning, "Consume of {Stream}/{Consumer}: server status {Code} {Description}")]
    public static partial void PullWarning(ILogger logger, string stream, string consumer, int code, string description);

    [LoggerMessage(105, LogLevel.Warning, "Consume of {Stream}/{Consumer}: the consumer was deleted; waiting up to {Wait} for it to be recreated")]
    public static partial void ConsumerDeleted(ILogger logger, string stream, string consumer, TimeSpan wait);

    [LoggerMessage(106, LogLevel.Information, "Consume of {Stream}/{Consumer}: the consumer exists again; resuming")]
    public static partial void ConsumerRecreated(ILogger logger, string stream, string consumer);

    [LoggerMessage(107, LogLevel.Error, "Consume of {Stream}/{Consumer} ended: {Reason}")]
    public static partial void ConsumeFailed(ILogger logger, string stream, string consumer, string reason);
}
