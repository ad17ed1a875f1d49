using System.Globalization;
using Fluo.Api.Infrastructure;
using Fluo.Api.Outbox;
using Fluo.Api.Rules;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Rules;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Fluo.Api.Apis;

/// <summary><c>/api/rules</c>: rules CRUD; writes validate synchronously and queue a back-test.</summary>
public static class RulesApi
{
    /// <summary>Maps the rules route group.</summary>
    public static IEndpointRouteBuilder MapRulesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/rules").WithTags("Rules");
        api.MapGet("/", ListAsync).WithName("ListRules").WithSummary("List the rules");
        api.MapGet("/{id:guid}", GetAsync).WithName("GetRule").WithSummary("Get a rule");
        api.MapPost("/", CreateAsync).WithName("CreateRule").WithSummary("Create a rule (validated now, back-tested by a job)")
            .Accepts<RuleRequest>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateRule").WithSummary("Replace a rule (If-Match: its version) and back-test it")
            .Accepts<RuleRequest>("application/json").ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        api.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteRule").WithSummary("Delete a rule");
        return app;
    }

    internal static async Task<Ok<RuleList>> ListAsync(BackendClient backend, CancellationToken cancellationToken) =>
        TypedResults.Ok(await backend.RequestAsync<RuleListRequest, RuleList>(BackendSubjects.RulesList, new RuleListRequest(), cancellationToken));

    internal static async Task<Ok<Rule>> GetAsync(Guid id, BackendClient backend, CancellationToken cancellationToken) =>
        TypedResults.Ok(await backend.RequestAsync<IdRequest, Rule>(BackendSubjects.RulesGet, new IdRequest(id), cancellationToken));

    internal static async Task<Results<Created<RuleResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpContext http, RuleCommands rules, IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync<RuleRequest>(http.Request, options.Value.MaxRequestBytes);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var (draft, validation, expressionErrors) = RuleRequestValidator.Validate(body.Value!);
        if (draft is null)
        {
            return Invalid(validation, expressionErrors);
        }

        var (status, rule) = await rules.CreateAsync(draft, OutboxCommands.CurrentTraceHeaders(http), cancellationToken);
        return status == RuleWriteStatus.Ok
            ? TypedResults.Created($"/api/rules/{rule!.Id}", rule)
            : DuplicateName(draft.Name);
    }

    internal static async Task<Results<Ok<RuleResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, HttpContext http, RuleCommands rules, IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync<RuleRequest>(http.Request, options.Value.MaxRequestBytes);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var ifMatch = http.Request.Headers.IfMatch.ToString();
        int? expected = body.Value!.Version;
        if (ifMatch.Length > 0 && ifMatch != "*")
        {
            if (!int.TryParse(ifMatch.Trim().TrimStart('W', '/').Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                return TypedResults.Problem($"If-Match '{ifMatch}' is not a rule version (e.g. \"3\").", statusCode: StatusCodes.Status400BadRequest, title: "Invalid If-Match");
            }

            expected = version;
        }

        var (draft, validation, expressionErrors) = RuleRequestValidator.Validate(body.Value);
        if (draft is null)
        {
            return Invalid(validation, expressionErrors);
        }

        var (status, rule) = await rules.UpdateAsync(id, draft, expected, OutboxCommands.CurrentTraceHeaders(http), cancellationToken);
        switch (status)
        {
            case RuleWriteStatus.Ok:
                http.Response.Headers.ETag = $"\"{rule!.Version.ToString(CultureInfo.InvariantCulture)}\"";
                return TypedResults.Ok(rule);
            case RuleWriteStatus.NotFound:
                return TypedResults.Problem($"There is no rule {id}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
            case RuleWriteStatus.VersionMismatch:
                return TypedResults.Problem($"Rule {id} is no longer at version {expected}; read it again and retry.",
                    statusCode: ifMatch.Length > 0 ? StatusCodes.Status412PreconditionFailed : StatusCodes.Status409Conflict, title: "Version mismatch");
            default:
                return DuplicateName(draft.Name);
        }
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, RuleCommands rules, CancellationToken cancellationToken) =>
        await rules.DeleteAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem($"There is no rule {id}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static ValidationProblem Invalid(Validation validation, IReadOnlyList<ExpressionError> expressionErrors) =>
        TypedResults.ValidationProblem(validation.Errors, detail: "The rule is not valid; see errors.", title: "Invalid rule",
            extensions: expressionErrors.Count == 0 ? null : new Dictionary<string, object?> { ["expressionErrors"] = expressionErrors });

    private static ProblemHttpResult DuplicateName(string name) =>
        TypedResults.Problem($"A rule named '{name}' already exists.", statusCode: StatusCodes.Status409Conflict, title: "Duplicate rule name");
}
