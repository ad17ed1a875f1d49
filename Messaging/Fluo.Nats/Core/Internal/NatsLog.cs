using Microsoft.Extensions.Logging;

namespace Fluo.Nats.Internal;

internal static partial class NatsLog
{
    [LoggerMessage(1, LogLevel.Information, "Connected to NATS server {Server} ({ServerName}, version {Version})")]
    public static partial void Connected(ILogger logger, string server, string serverName, string version);

    [LoggerMessage(2, LogLevel.Warning, "Lost the connection to NATS server {Server}: {Reason}")]
    public static partial void Disconnected(ILogger logger, string server, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Could not connect to NATS server {Server}: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, string server, string reason);

    [LoggerMessage(4, LogLevel.Information, "Reconnected to NATS server {Server}; {Subscriptions} subscriptions replayed")]
    public static partial void Reconnected(ILogger logger, string server, int subscriptions);

    [LoggerMessage(5, LogLevel.Warning, "NATS server {Server} entered lame-duck mode")]
    public static partial void LameDuck(ILogger logger, string server);

    [LoggerMessage(6, LogLevel.Error, "NATS server {Server} reported an error: {Error}")]
    public static partial void ServerError(ILogger logger, string server, string error);

    [LoggerMessage(7, LogLevel.Warning, "Slow consumer: subscription to {Subject} is full ({Pending} pending); dropping messages")]
    public static partial void SlowConsumer(ILogger logger, string subject, int pending);

    [LoggerMessage(8, LogLevel.Warning, "No PONG for {PingsOut} PINGs from {Server}: the connection is stale")]
    public static partial void Stale(ILogger logger, int pingsOut, string server);

    [LoggerMessage(9, LogLevel.Error, "The NATS connection closed after {Attempts} failed reconnect passes")]
    public static partial void GaveUp(ILogger logger, int attempts);

    [LoggerMessage(10, LogLevel.Error, "A NATS connection event handler threw")]
    public static partial void HandlerFailed(ILogger logger, Exception exception);
}
