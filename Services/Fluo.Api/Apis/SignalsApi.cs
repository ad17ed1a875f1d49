using System.Globalization;
using Fluo.Api.Infrastructure;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Signals;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Fluo.Api.Apis;

/// <summary><c>/api/signals</c>: list with filters and paging, get, resolve and reopen (all answered by the backend).</summary>
public static class SignalsApi
{
    /// <summary>Largest page.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Maps the signals route group.</summary>
    public static IEndpointRouteBuilder MapSignalsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/signals").WithTags("Signals");
        api.MapGet("/", ListAsync).WithName("ListSignals").WithSummary("List signals, newest first (filters traceId, ruleId, status, severity; offset, limit)");
        api.MapGet("/{id:guid}", GetAsync).WithName("GetSignal").WithSummary("Get a signal");
        api.MapPost("/{id:guid}/resolve", (Guid id, HttpContext http, BackendClient backend, IOptions<ApiOptions> options, CancellationToken ct) =>
                SetStatusAsync(id, SignalStatus.Resolved, http, backend, options, ct))
            .WithName("ResolveSignal").WithSummary("Resolve a signal (body optional: {\"by\": \"...\"})").Accepts<ResolveRequest>("application/json");
        api.MapPost("/{id:guid}/reopen", (Guid id, HttpContext http, BackendClient backend, IOptions<ApiOptions> options, CancellationToken ct) =>
                SetStatusAsync(id, SignalStatus.Open, http, backend, options, ct))
            .WithName("ReopenSignal").WithSummary("Reopen a resolved signal").Accepts<ResolveRequest>("application/json");
        return app;
    }

    internal static async Task<Results<Ok<SignalPage>, ValidationProblem>> ListAsync(
        string? traceId, string? ruleId, string? status, string? severity, string? offset, string? limit, BackendClient backend, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        var filter = validation.Filter(traceId, ruleId, status, severity);
        var skip = ParseInt(validation, "offset", offset, 0, 0, int.MaxValue);
        var take = ParseInt(validation, "limit", limit, 50, 1, MaxLimit);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors, detail: "The query has invalid filter values; see errors.", title: "Invalid query");
        }

        return TypedResults.Ok(await backend.RequestAsync<SignalQuery, SignalPage>(BackendSubjects.SignalsList, new SignalQuery(filter, skip, take), cancellationToken));
    }

    internal static async Task<Ok<Signal>> GetAsync(Guid id, BackendClient backend, CancellationToken cancellationToken) =>
        TypedResults.Ok(await backend.RequestAsync<IdRequest, Signal>(BackendSubjects.SignalsGet, new IdRequest(id), cancellationToken));

    internal static async Task<Results<Ok<Signal>, ProblemHttpResult>> SetStatusAsync(
        Guid id, SignalStatus status, HttpContext http, BackendClient backend, IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync<ResolveRequest>(http.Request, options.Value.MaxRequestBytes, allowEmpty: true);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var by = body.Value?.By is { Length: > 0 } named ? named : http.User.Identity?.Name ?? "api";
        return TypedResults.Ok(await backend.RequestAsync<ResolveSignalRequest, Signal>(BackendSubjects.SignalsSetStatus, new ResolveSignalRequest(id, status, by), cancellationToken));
    }

    /// <summary>Parses an optional integer query value within bounds, recording an error for a bad one.</summary>
    internal static int ParseInt(Validation validation, string name, string? value, int fallback, int min, int max)
    {
        if (value is null)
        {
            return fallback;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max)
        {
            return parsed;
        }

        validation.Add(name, $"must be a whole number from {min} to {max}");
        return fallback;
    }
}
