using System.Reflection;

namespace Fluo.Hosting;

/// <summary>Options for <see cref="DistributedApplication.CreateBuilder(DistributedApplicationOptions)"/>; the testing builder sets most of them.</summary>
public sealed class DistributedApplicationOptions
{
    /// <summary>The AppHost's command-line arguments.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>The assembly of the AppHost (for its project directory and build configuration); the entry assembly by default.</summary>
    public Assembly? AppHostAssembly { get; init; }

    /// <summary>Where state (generated parameters, data) lives; default <c>&lt;AppHost dir&gt;/.state</c> or configuration <c>AppHost:StateDirectory</c>.</summary>
    public string? StateDirectory { get; init; }

    /// <summary>Delete the state folder when the application is disposed (tests).</summary>
    public bool DeleteStateOnDispose { get; init; }

    /// <summary>Echo every resource's console output, prefixed with its name.</summary>
    public bool EchoResourceOutput { get; init; } = true;

    /// <summary>Print the resource table once everything has started.</summary>
    public bool PrintSummary { get; init; } = true;

    /// <summary>Stop on Ctrl+C / SIGTERM (the console lifetime); tests turn it off.</summary>
    public bool HandleConsoleSignals { get; init; } = true;

    /// <summary>Ignore fixed ports and take free ones (tests run many models side by side).</summary>
    public bool RandomizePorts { get; init; }

    /// <summary>Trade durability for speed (PostgreSQL <c>fsync=off</c>); for throw-away test state only.</summary>
    public bool FastStorage { get; init; }

    /// <summary>Generate fresh values for generated parameters instead of reading persisted ones.</summary>
    public bool RandomParameterValues { get; init; }

    /// <summary>First delay before a crashed project is restarted; it doubles per crash up to 16 times this.</summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often each running resource's health checks are probed (the dashboard shows the results).</summary>
    public TimeSpan HealthCheckInterval { get; init; } = TimeSpan.FromSeconds(5);
}
