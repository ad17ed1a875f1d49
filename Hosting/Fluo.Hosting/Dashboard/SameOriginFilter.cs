using Microsoft.AspNetCore.Http;

namespace Fluo.Hosting.Dashboard;

/// <summary>
/// Refuses state-changing requests that a browser sends on behalf of another site: the dashboard has no login,
/// so a page elsewhere must not be able to stop resources. A request must be addressed to a loopback host name
/// (against DNS rebinding), and when the browser says where it comes from (<c>Origin</c>, <c>Sec-Fetch-Site</c>)
/// that must be this dashboard. Tools such as curl send neither header and are let through.
/// </summary>
internal sealed class SameOriginFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        return Refusal(request) is { } why
            ? TypedResults.Problem(why, statusCode: StatusCodes.Status403Forbidden, title: "Cross-site request refused")
            : await next(context).ConfigureAwait(false);
    }

    internal static string? Refusal(HttpRequest request)
    {
        var host = request.Host.Host;
        if (host is not ("localhost" or "127.0.0.1" or "[::1]" or "::1"))
        {
            return $"Host '{request.Host}' is not a loopback name.";
        }

        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0 && fetchSite is not ("same-origin" or "none"))
        {
            return $"Sec-Fetch-Site is '{fetchSite}'.";
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && (!Uri.TryCreate(origin, UriKind.Absolute, out var from) ||
            !string.Equals($"{from.Host}:{from.Port}", $"{host}:{request.Host.Port ?? 80}", StringComparison.OrdinalIgnoreCase)))
        {
            return $"Origin '{origin}' is not this dashboard.";
        }

        return null;
    }
}
