using Fluo.Nats;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Fluo.Api.Infrastructure;

/// <summary>
/// Turns the failures of the Api's dependencies into ProblemDetails: an unreachable backend or NATS and a
/// transient database failure become 503 with <c>Retry-After</c>; a backend error keeps its status (400, 404, 409).
/// </summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>Seconds a client should wait before retrying after a 503.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BackendException { Failure: BackendFailure.Unavailable } e => (StatusCodes.Status503ServiceUnavailable, "Backend unavailable", e.Message),
            BackendException e => (e.StatusCode, e.StatusCode switch
            {
                StatusCodes.Status404NotFound => "Not found",
                StatusCodes.Status409Conflict => "Conflict",
                StatusCodes.Status400BadRequest => "Bad request",
                _ => "Backend error",
            }, e.Message),
            NatsException e => (StatusCodes.Status503ServiceUnavailable, "Messaging unavailable", $"NATS could not be reached: {e.Message}"),
            NpgsqlException { IsTransient: true } e => (StatusCodes.Status503ServiceUnavailable, "Database unavailable", $"The database could not be reached: {e.Message}"),
            _ => (0, "", ""),
        };
        if (status == 0 || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogMapped(logger, httpContext.Request.Path, status, detail);
        httpContext.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "{Path} answered {Status}: {Detail}")]
    private static partial void LogMapped(ILogger logger, string path, int status, string detail);
}
