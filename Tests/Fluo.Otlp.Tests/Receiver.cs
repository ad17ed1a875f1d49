using System.Collections.Concurrent;
using Fluo.Otlp.Http;
using Fluo.Otlp.Traces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Fluo.Otlp.Tests;

/// <summary>A real Kestrel app on a free loopback port with <c>POST /v1/traces</c> mapped by <see cref="OtlpEndpointRouteBuilderExtensions.MapOtlpExport{TRequest, TResponse}"/>.</summary>
internal sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Receiver(WebApplication app, Uri address, ConcurrentQueue<ExportTraceServiceRequest> received)
    {
        _app = app;
        Address = address;
        Received = received;
    }

    public Uri Address { get; }

    public Uri TracesUrl => new(Address, "/v1/traces");

    /// <summary>Every request the endpoint accepted, in order.</summary>
    public ConcurrentQueue<ExportTraceServiceRequest> Received { get; }

    public static async Task<Receiver> StartAsync(OtlpHttpOptions? options = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var received = new ConcurrentQueue<ExportTraceServiceRequest>();
        app.MapOtlpExport("/v1/traces", ExportTraceServiceRequest.Parser, (request, _) =>
        {
            received.Enqueue(request);
            return ValueTask.FromResult(OtlpSpans.Flatten(request).ToResponse());
        }, options);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new Receiver(app, address, received);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
