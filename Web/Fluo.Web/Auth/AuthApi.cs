using System.Security.Claims;
using Fluo.Web.Live;

namespace Fluo.Web.Auth;

/// <summary><c>/api/token</c> (a WebSocket token for the signed-in user) .</summary>
public static class AuthApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/token", (ClaimsPrincipal user, LiveTokens tokens) =>
        {
            var (token, expires) = tokens.Issue(user.Identity!.Name!);
            return TypedResults.Json(new TokenResponse(token, expires), WebJsonContext.Default.TokenResponse);
        }).RequireAuthorization();

        return app;
    }
}
