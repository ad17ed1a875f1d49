using Fluo.Hosting.Dashboard.Telemetry;
using Fluo.Hosting.Logs;
using Fluo.Hosting.Orchestration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Fluo.Hosting.Dashboard;

/// <summary>The dashboard's read API: what the views show, as JSON.</summary>
internal static class DashboardApi
{
    public static RouteGroupBuilder MapDashboardApi(this RouteGroupBuilder api, TelemetryStore store, ResourceNotificationService notifications, ResourceLoggerService logs,
        ResourceCommandService commands)
    {
        api.MapGet("/resources", () => TypedResults.Ok(notifications.Snapshots.OrderBy(s => s.Name)));
        api.MapGet("/resources/{name}", Results<Ok<ResourceSnapshot>, NotFound<string>> (string name) =>
            notifications.TryGet(name) is { } snapshot ? TypedResults.Ok(snapshot) : TypedResults.NotFound($"No resource named '{name}'."));
        var actions = api.MapGroup("/resources/{name}").AddEndpointFilter<SameOriginFilter>();
        foreach (var action in Enum.GetValues<ResourceAction>())
        {
            actions.MapPost($"/{action.ToString().ToLowerInvariant()}", (string name, int? replica) => Act(commands, notifications, name, action, replica));
        }

        api.MapGet("/resources/{name}/console", Results<Ok<IReadOnlyList<ResourceLogLine>>, NotFound<string>> (string name) =>
            notifications.TryGet(name) is null
                ? TypedResults.NotFound($"No resource named '{name}'.")
                : TypedResults.Ok(logs.GetLogs(name)));
        api.MapGet("/traces", (int? max) => TypedResults.Ok(store.GetTraces(max ?? 200)));
        api.MapGet("/traces/{traceId}", Results<Ok<IReadOnlyList<StoredSpan>>, NotFound<string>> (string traceId) =>
            store.GetTrace(traceId.ToLowerInvariant()) is { Count: > 0 } spans ? TypedResults.Ok(spans) : TypedResults.NotFound($"No trace '{traceId}'."));
        api.MapGet("/logs", (string? service, int? minSeverity, string? text, string? traceId, int? max) =>
            TypedResults.Ok(store.GetLogs(service, minSeverity ?? 0, text, traceId, max ?? 1000)));
        api.MapGet("/metrics", () => TypedResults.Ok(store.GetMetricServices()));
        api.MapGet("/metrics/{service}", (string service, string? name) => TypedResults.Ok(store.GetMetrics(service, name)));
        api.MapGet("/metrics/{service}/charts", (string service, string? name) => TypedResults.Ok(MetricCharts.Build(store.GetMetrics(service, name))));
        var events = new Live.DashboardEvents(store, notifications, logs);
        api.MapGet("/events", (CancellationToken cancellationToken) => TypedResults.ServerSentEvents(events.SubscribeAsync(cancellationToken)));
        api.MapGet("/telemetry/limits", () => TypedResults.Ok(new { store.Limits, Counts = new { store.Counts.Spans, store.Counts.Logs, store.Counts.MetricPoints }, Dropped = new { store.Dropped.Spans, store.Dropped.Logs, store.Dropped.MetricPoints } }));
        return api;
    }

    private static Results<Accepted<ResourceSnapshot>, ProblemHttpResult> Act(
        ResourceCommandService commands, ResourceNotificationService notifications, string name, ResourceAction action, int? replica)
    {
        var (outcome, _) = commands.Execute(name, action, replica);
        return outcome switch
        {
            ResourceActionOutcome.Accepted => TypedResults.Accepted($"/api/resources/{Uri.EscapeDataString(name)}", notifications.TryGet(name)),
            ResourceActionOutcome.UnknownResource => TypedResults.Problem($"No resource named '{name}'.", statusCode: StatusCodes.Status404NotFound, title: "Unknown resource"),
            ResourceActionOutcome.UnknownReplica => TypedResults.Problem($"Resource '{name}' has no replica {replica}.", statusCode: StatusCodes.Status400BadRequest, title: "Unknown replica"),
            ResourceActionOutcome.NotSupported => TypedResults.Problem($"Resource '{name}' has no process of its own to {action.ToString().ToLowerInvariant()}.",
                statusCode: StatusCodes.Status409Conflict, title: "Not supported"),
            _ => TypedResults.Problem("The application is not running.", statusCode: StatusCodes.Status409Conflict, title: "Not running"),
        };
    }
}
