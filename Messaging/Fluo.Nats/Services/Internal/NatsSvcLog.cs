using Microsoft.Extensions.Logging;

namespace Fluo.Nats.Services.Internal;

internal static partial class NatsSvcLog
{
    [LoggerMessage(201, LogLevel.Information, "Service {Service} {Version} started as {Id}")]
    public static partial void Started(ILogger logger, string service, string version, string id);

    [LoggerMessage(202, LogLevel.Error, "Service {Service} endpoint {Endpoint} failed on {Subject}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string service, string endpoint, string subject);

    [LoggerMessage(203, LogLevel.Warning, "Service {Service} endpoint {Endpoint} could not read a request on {Subject}: {Reason}")]
    public static partial void BadRequest(ILogger logger, string service, string endpoint, string subject, string reason);

    [LoggerMessage(204, LogLevel.Information, "Service {Service} ({Id}) stopped")]
    public static partial void Stopped(ILogger logger, string service, string id);
}
