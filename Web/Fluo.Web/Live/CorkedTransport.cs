using Microsoft.AspNetCore.Http.Features;

namespace Fluo.Web.Live;

/// <summary>
/// Gives <c>/ws</c> WebSockets a <see cref="CorkedStream"/> transport. ASP.NET Core's WebSocket middleware builds the
/// socket over the stream the upgrade feature returns, so this middleware (placed before it) wraps that feature and
/// keeps the stream for <see cref="LiveGateway"/>. Both the HTTP/1.1 upgrade and HTTP/2 extended CONNECT are wrapped;
/// a server without either (the test host) leaves <see cref="Stream"/> null and frames go out one by one.
/// </summary>
public sealed class CorkedTransport
{
    /// <summary>The stream the accepted WebSocket writes to, once accepted through a wrapped feature.</summary>
    public CorkedStream? Stream { get; private set; }

    /// <summary>Wraps the upgrade features of requests to <paramref name="path"/>.</summary>
    public static IApplicationBuilder Use(IApplicationBuilder app, PathString path) => app.Use((context, next) =>
    {
        if (context.Request.Path.Equals(path, StringComparison.Ordinal))
        {
            var transport = new CorkedTransport();
            context.Features.Set(transport);
            if (context.Features.Get<IHttpUpgradeFeature>() is { } upgrade)
            {
                context.Features.Set<IHttpUpgradeFeature>(new Upgrade(upgrade, transport));
            }

            if (context.Features.Get<IHttpExtendedConnectFeature>() is { } connect)
            {
                context.Features.Set<IHttpExtendedConnectFeature>(new ExtendedConnect(connect, transport));
            }
        }

        return next(context);
    });

    private Stream Wrap(Stream stream) => Stream = new CorkedStream(stream);

    private sealed class Upgrade(IHttpUpgradeFeature inner, CorkedTransport transport) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => inner.IsUpgradableRequest;

        public async Task<Stream> UpgradeAsync() => transport.Wrap(await inner.UpgradeAsync());
    }

    private sealed class ExtendedConnect(IHttpExtendedConnectFeature inner, CorkedTransport transport) : IHttpExtendedConnectFeature
    {
        public bool IsExtendedConnect => inner.IsExtendedConnect;

        public string? Protocol => inner.Protocol;

        public async ValueTask<Stream> AcceptAsync() => transport.Wrap(await inner.AcceptAsync());
    }
}
