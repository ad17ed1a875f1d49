using Fluo.Api.Infrastructure;
using Fluo.Api.Outbox;
using Fluo.Api.Traces;
using Fluo.Contracts.Traces;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Fluo.Api.Apis;

/// <summary><c>POST /api/traces</c>: a trace in the compact Fluo JSON.</summary>
public static class TracesApi
{
    /// <summary>Maps the traces route group.</summary>
    public static IEndpointRouteBuilder MapTracesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/traces").WithTags("Traces");
        api.MapPost("/", AcceptAsync)
            .WithName("AcceptTrace")
            .WithSummary("Accept a trace in Fluo JSON and queue its analysis")
            .Accepts<TraceDocument>("application/json")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return app;
    }

    internal static async Task<Results<Accepted<TraceAccepted>, ValidationProblem, ProblemHttpResult>> AcceptAsync(
        HttpContext http, TraceIntake intake, IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync<TraceDocument>(http.Request, options.Value.MaxRequestBytes);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var validation = new Validation();
        TraceValidator.Validate(body.Value, validation);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors, detail: "The trace is not valid; see errors.", title: "Invalid trace");
        }

        var accepted = await intake.AcceptAsync([body.Value!], OutboxCommands.CurrentTraceHeaders(http), cancellationToken);
        return TypedResults.Accepted($"/api/jobs/{accepted[0].JobId}", accepted[0]);
    }
}
