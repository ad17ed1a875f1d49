using Microsoft.AspNetCore.Http.Metadata;

namespace Fluo.Api.Infrastructure;

/// <summary>Fills in a detail for the problems the framework writes without one (routing's 415, 404, 405).</summary>
internal static class ProblemDetailsDefaults
{
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Detail is not null)
        {
            return;
        }

        var request = context.HttpContext.Request;
        problem.Detail = problem.Status switch
        {
            StatusCodes.Status415UnsupportedMediaType => $"Content-Type '{request.ContentType}' is not supported: send {AcceptedTypes(context.HttpContext)}.",
            StatusCodes.Status404NotFound => $"Nothing is at {request.Method} {request.Path}.",
            StatusCodes.Status405MethodNotAllowed => $"{request.Path} does not accept {request.Method}.",
            _ => null,
        };
    }

    private static string AcceptedTypes(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>() is { ContentTypes.Count: > 0 } accepts
            ? string.Join(" or ", accepts.ContentTypes)
            : "application/json";
}
