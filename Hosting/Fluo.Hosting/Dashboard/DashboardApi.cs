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
    public static RouteGroupBuilder MapDashboardApi(this RouteGroupBuilder api, TelemetryStore store, ResourceNotificationService notifications, ResourceLoggerService logs)
    {
        api.MapGet("/resources", () => TypedResults.Ok(notifications.Snapshots.OrderBy(s => s.Name)));
        api.MapGet("/resources/{name}/console", Results<Ok<IReadOnlyList<ResourceLogLine>>, NotFound<string>> (string name) =>
            notifications.TryGet(name) is null
                ? TypedResults.NotFound($"No resource named '{name}'.")
                : TypedResults.Ok(logs.GetLogs(name)));
        api.MapGet("/traces", (int? max) => TypedResults.Ok(store.GetTraces(max ?? 200)));
        api.MapGet("/traces/{traceId}", Results<Ok<IReadOnlyList<StoredSpan>>, NotFound<string>> (string traceId) =>
            store.GetTrace(traceId.ToLowerInvariant()) is { Count: > 0 } spans ? TypedResults.Ok(spans) : TypedResults.NotFound($"No trace '{traceId}'."));
        api.MapGet("/logs", (string? service, int? minSeverity, string? text, string? traceId, int? max) =>
            TypedResults.Ok(store.GetLogs(service, minSeverity ?? 0, text, traceId, max ?? 1000)));
        api.MapGet("/metrics/{service}", (string service, string? name) => TypedResults.Ok(store.GetMetrics(service, name)));
        api.MapGet("/telemetry/limits", () => TypedResults.Ok(new { store.Limits, Counts = new { store.Counts.Spans, store.Counts.Logs, store.Counts.MetricPoints }, Dropped = new { store.Dropped.Spans, store.Dropped.Logs, store.Dropped.MetricPoints } }));
        return api;
    }
}
