using Microsoft.Extensions.Logging;

namespace Fluo.Nats.JetStream.Ordered;

internal static partial class NatsJSOrderedLog
{
    [LoggerMessage(131, LogLevel.Information, "Ordered consumer on {Stream}: resetting ({Reason}); resuming after stream sequence {LastStreamSeq}")]
    public static partial void Reset(ILogger logger, string stream, string reason, ulong lastStreamSeq);

    [LoggerMessage(132, LogLevel.Warning, "Ordered consumer on {Stream}: could not create its consumer ({Reason}); retrying in {Delay}")]
    public static partial void CreateFailed(ILogger logger, string stream, string reason, TimeSpan delay);

    [LoggerMessage(133, LogLevel.Warning, "Ordered consumer on {Stream}: server status {Code} {Description}")]
    public static partial void Warning(ILogger logger, string stream, int code, string description);

    [LoggerMessage(134, LogLevel.Error, "Ordered consumer on {Stream} ended: {Reason}")]
    public static partial void Failed(ILogger logger, string stream, string reason);
}
