using Fluo.Nats;
using Fluo.Web.Auth;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Options;

namespace Fluo.Web.Live;

/// <summary>Maps <c>/ws</c>: the WebSocket gateway.</summary>
public static class LiveGateway
{
    /// <summary>The gateway's path.</summary>
    public const string Path = "/ws";

    /// <summary>Accepts WebSockets at <c>/ws</c>; a browser's auth cookie authenticates the connection at once.</summary>
    public static IEndpointRouteBuilder MapLiveGateway(this IEndpointRouteBuilder app)
    {
        app.Map(Path, async (HttpContext http, LiveHub hub, LiveReplay replay, LiveTokens tokens, BackendClient backend,
            IOptions<WebOptions> options, ILoggerFactory loggers, IHostApplicationLifetime lifetime, INatsConnection nats) =>
        {
            if (!http.WebSockets.IsWebSocketRequest)
            {
                return Results.Problem("This endpoint speaks WebSocket only (JSON frames {type, channel, payload, id, timestamp}).",
                    statusCode: StatusCodes.Status426UpgradeRequired, title: "WebSocket required");
            }

            if (nats.ConnectionState == NatsConnectionState.Reconnecting)
            {
                // This replica's feed is stale until NATS is back; the client's back-off retries.
                return Results.Problem("This replica has lost NATS; retry shortly.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Live feed unavailable");
            }

            var heartbeat = options.Value.Heartbeat;
            if (http.Features.Get<IHttpMinResponseDataRateFeature>() is { } rate)
            {
                // A socket that stops reading is closed by its bounded send queue (a slow consumer, see LiveConnection);
                // Kestrel's minimum response rate would time every write of every socket to find the same thing,
                // which at a thousand sockets was a fifth of the gateway's CPU outside the kernel.
                rate.MinDataRate = null;
            }
            using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                // Protocol-level ping every heartbeat; a peer that does not pong within one more heartbeat is aborted.
                KeepAliveInterval = heartbeat,
                KeepAliveTimeout = heartbeat,
            });
            var connection = new LiveConnection(socket, http.Features.Get<CorkedTransport>()?.Stream, hub, replay, tokens, backend, options.Value, loggers.CreateLogger<LiveConnection>());
            var user = http.User.Identity?.IsAuthenticated == true ? http.User.Identity.Name : null;
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
            await connection.RunAsync(user, stopping.Token);
            return Results.Empty;
        }).ExcludeFromDescription();
        return app;
    }
}
