using Microsoft.Extensions.Logging;

namespace Fluo.Hosting.Orchestration;

/// <summary>The orchestrator's log messages.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(1, LogLevel.Information, "Starting {Count} resources; state folder {StateDirectory}")]
    public static partial void Starting(ILogger logger, int count, string stateDirectory);

    [LoggerMessage(2, LogLevel.Information, "Resource '{Name}' is healthy")]
    public static partial void Healthy(ILogger logger, string name);

    [LoggerMessage(3, LogLevel.Error, "Resource '{Name}' failed to start: {Error}")]
    public static partial void FailedToStart(ILogger logger, string name, string error);

    [LoggerMessage(4, LogLevel.Warning, "Resource '{Name}' replica {Replica} (PID {ProcessId}) exited with code {ExitCode}; restart {Restart} in {Delay}")]
    public static partial void Crashed(ILogger logger, string name, int replica, int processId, int exitCode, int restart, TimeSpan delay);

    [LoggerMessage(5, LogLevel.Information, "Stopping {Count} resources")]
    public static partial void Stopping(ILogger logger, int count);

    [LoggerMessage(6, LogLevel.Warning, "Resource '{Name}' did not stop cleanly: {Error}")]
    public static partial void StopFailed(ILogger logger, string name, string error);

    [LoggerMessage(7, LogLevel.Warning, "setpriv or setsid (util-linux) is missing: children are not killed if the AppHost dies")]
    public static partial void ChildrenNotTied(ILogger logger);

    [LoggerMessage(8, LogLevel.Information, "Building project '{Name}' ({Path}), its build output is missing")]
    public static partial void Building(ILogger logger, string name, string path);

    [LoggerMessage(9, LogLevel.Error, "Resource '{Name}' (PID {ProcessId}) exited unexpectedly with code {ExitCode}")]
    public static partial void ServerExited(ILogger logger, string name, int processId, int exitCode);

    [LoggerMessage(10, LogLevel.Information, "{Action} of resource '{Name}' ({Replicas} process(es)) requested")]
    public static partial void Action(ILogger logger, ResourceAction action, string name, int replicas);
}
