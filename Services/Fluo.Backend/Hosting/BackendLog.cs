namespace Fluo.Backend.Hosting;

/// <summary>The Backend's log messages.</summary>
internal static partial class BackendLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "fluodb is not reachable yet ({Reason}); retrying migrations in {Delay}")]
    public static partial void DatabaseNotYet(ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "fluo-backend {Version} serving {Endpoints} endpoints in queue group {QueueGroup} (instance {Instance})")]
    public static partial void Serving(ILogger logger, string version, int endpoints, string queueGroup, string instance);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Unexpected error handling {Endpoint} ({Subject})")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string endpoint, string subject);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Could not publish {Subject} for signal {SignalId} now ({Reason}); outbox row {OutboxId} stays for the relay")]
    public static partial void StatusEventDeferred(ILogger logger, string subject, Guid signalId, Guid outboxId, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Reply of {Endpoint} too large ({Size} bytes, server limit {Limit})")]
    public static partial void ReplyTooLarge(ILogger logger, string endpoint, long size, long limit);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "The database refused item {Index} of a batch on its own")]
    public static partial void BatchItemFailed(ILogger logger, Exception exception, int index);
}
