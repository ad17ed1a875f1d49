using Fluo.Api.Exports;
using Fluo.Api.Infrastructure;
using Fluo.Api.Outbox;
using Fluo.Contracts.Backend;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Fluo.Api.Apis;

/// <summary><c>/api/exports</c>: ask for a CSV or JSON file of signals, follow it, download it.</summary>
public static class ExportsApi
{
    /// <summary>Maps the exports route group.</summary>
    public static IEndpointRouteBuilder MapExportsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/exports").WithTags("Exports");
        api.MapPost("/", CreateAsync).WithName("CreateExport").WithSummary("Export the signals matching a filter as csv or json")
            .Accepts<ExportRequest>("application/json");
        api.MapGet("/{id:guid}", GetAsync).WithName("GetExport").WithSummary("Get an export's state");
        api.MapGet("/{id:guid}/download", DownloadAsync).WithName("DownloadExport").WithSummary("Download a completed export")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv").ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    internal static async Task<Results<Accepted<ExportAccepted>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpContext http, ExportCommands exports, IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync<ExportRequest>(http.Request, options.Value.MaxRequestBytes);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var request = body.Value!;
        var validation = new Validation();
        if (request.Format is not ("csv" or "json"))
        {
            validation.Add("format", "must be csv or json");
        }

        var filter = validation.Filter(request.Filter?.TraceId, request.Filter?.RuleId, request.Filter?.Status, request.Filter?.Severity, "filter.");
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors, detail: "The export request is not valid; see errors.", title: "Invalid export");
        }

        var (exportId, jobId) = await exports.CreateAsync(request.Format!, filter, OutboxCommands.CurrentTraceHeaders(http), cancellationToken);
        return TypedResults.Accepted($"/api/exports/{exportId}", new ExportAccepted(exportId, jobId));
    }

    internal static async Task<Ok<ExportInfo>> GetAsync(Guid id, BackendClient backend, CancellationToken cancellationToken) =>
        TypedResults.Ok(await backend.RequestAsync<IdRequest, ExportInfo>(BackendSubjects.ExportsGet, new IdRequest(id), cancellationToken));

    /// <summary>Streams the export's chunks in order; 409 while the export job has not completed it.</summary>
    internal static async Task<IResult> DownloadAsync(Guid id, HttpContext http, BackendClient backend, CancellationToken cancellationToken)
    {
        var info = await backend.RequestAsync<IdRequest, ExportInfo>(BackendSubjects.ExportsGet, new IdRequest(id), cancellationToken);
        if (!info.Completed)
        {
            return TypedResults.Problem($"Export {id} is not complete yet; follow its job at /api/jobs/{info.JobId}.",
                statusCode: StatusCodes.Status409Conflict, title: "Export not ready");
        }

        // The first chunk is read before the response starts, so a backend failure can still be a ProblemDetails.
        var first = info.Chunks > 0
            ? await backend.RequestAsync<ExportChunkRequest, ExportChunk>(BackendSubjects.ExportsChunk, new ExportChunkRequest(id, 0), cancellationToken)
            : null;
        var json = info.Format == "json";
        http.Response.ContentType = json ? "application/json" : "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"fluo-signals-{id:N}.{(json ? "json" : "csv")}\"";
        if (first is not null)
        {
            await http.Response.Body.WriteAsync(first.Content, cancellationToken);
            for (var index = 1; index < info.Chunks; index++)
            {
                var chunk = await backend.RequestAsync<ExportChunkRequest, ExportChunk>(BackendSubjects.ExportsChunk, new ExportChunkRequest(id, index), cancellationToken);
                await http.Response.Body.WriteAsync(chunk.Content, cancellationToken);
            }
        }

        return TypedResults.Empty;
    }
}
