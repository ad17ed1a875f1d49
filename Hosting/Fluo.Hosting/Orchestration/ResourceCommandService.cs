namespace Fluo.Hosting.Orchestration;

/// <summary>What can be done to a running resource from the dashboard.</summary>
public enum ResourceAction
{
    /// <summary>Stop its processes (all replicas, or one).</summary>
    Stop,

    /// <summary>Start stopped processes again.</summary>
    Start,

    /// <summary>Stop, then start; counts as a restart.</summary>
    Restart,
}

/// <summary>Why an action was refused, or <see cref="Accepted"/>.</summary>
public enum ResourceActionOutcome
{
    /// <summary>The action runs; its progress shows in the resource's state.</summary>
    Accepted,

    /// <summary>No resource has that name.</summary>
    UnknownResource,

    /// <summary>The resource has no such replica.</summary>
    UnknownReplica,

    /// <summary>Parameters and databases have no process of their own.</summary>
    NotSupported,

    /// <summary>The application is not running (not started yet, or stopping).</summary>
    NotRunning,
}

/// <summary>
/// Stops, starts and restarts resources (or single replicas) while the application runs, as the dashboard's
/// resource commands; the changes show in <see cref="ResourceNotificationService"/>.
/// </summary>
public sealed class ResourceCommandService
{
    private Orchestrator? _orchestrator;

    /// <summary>Checks the action and, when it can run, starts it; the returned task ends when it is done.</summary>
    /// <param name="resourceName">The resource.</param>
    /// <param name="action">What to do.</param>
    /// <param name="replica">One replica (or cluster node) only; null for all. Servers always act as a whole.</param>
    public (ResourceActionOutcome Outcome, Task Completion) Execute(string resourceName, ResourceAction action, int? replica = null)
    {
        ArgumentNullException.ThrowIfNull(resourceName);
        return _orchestrator is { } orchestrator
            ? orchestrator.Execute(resourceName, action, replica)
            : (ResourceActionOutcome.NotRunning, Task.CompletedTask);
    }

    internal void Attach(Orchestrator orchestrator) => _orchestrator = orchestrator;
}
