using System.Net;
using Fluo.Hosting.Dashboard.Otlp;
using Fluo.Hosting.Dashboard.Pages;
using Fluo.Hosting.Dashboard.Telemetry;
using Fluo.Hosting.Logs;
using Fluo.Hosting.Orchestration;
using Fluo.Hosting.Processes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fluo.Hosting.Dashboard;

/// <summary>
/// The developer dashboard served by the AppHost: an OTLP/HTTP receiver (default port 18890) that every project
/// exports to, an OTLP/gRPC receiver (default port 18889, HTTP/2 without TLS), and a JSON API (default port 18888) over resources, console logs, structured logs, traces and metrics.
/// Off when an external dashboard's OTLP endpoint is configured or <c>AppHost:Dashboard:Enabled=false</c>.
/// </summary>
public sealed class DashboardServer : IHostedService, IAsyncDisposable
{
    private readonly DistributedApplicationModel _model;
    private readonly IConfiguration _configuration;
    private readonly ResourceNotificationService _notifications;
    private readonly ResourceLoggerService _logs;
    private readonly ResourceCommandService _commands;
    private WebApplication? _app;

    /// <summary>Created by the AppHost's container.</summary>
    public DashboardServer(DistributedApplicationModel model, IConfiguration configuration, ResourceNotificationService notifications, ResourceLoggerService logs,
        ResourceCommandService commands)
    {
        _commands = commands;
        _model = model;
        _configuration = configuration;
        _notifications = notifications;
        _logs = logs;
        Store = new TelemetryStore(configuration.GetSection("AppHost:Dashboard:Limits").Get<TelemetryLimits>());
    }

    /// <summary>Everything received over OTLP.</summary>
    public TelemetryStore Store { get; }

    /// <summary>The dashboard's API base URL, once started (null when disabled).</summary>
    public Uri? Url { get; private set; }

    /// <summary>The OTLP/HTTP endpoint projects export to, once started (null when disabled).</summary>
    public Uri? OtlpHttpUrl { get; private set; }

    /// <summary>The OTLP/gRPC endpoint (HTTP/2 without TLS), once started (null when disabled).</summary>
    public Uri? OtlpGrpcUrl { get; private set; }

    private bool Enabled =>
        !_model.ExecutionContext.IsPublishMode &&
        _configuration.GetValue("AppHost:Dashboard:Enabled", true) &&
        string.IsNullOrEmpty(_configuration["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] ?? _configuration["DOTNET_DASHBOARD_OTLP_ENDPOINT_URL"]) &&
        string.IsNullOrEmpty(_configuration["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] ?? _configuration["DOTNET_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"]);

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        var randomize = _model.Options.RandomizePorts;
        // A second AppHost (or a test run beside one) must not fail on the dashboard: busy default ports give way to free ones.
        var uiPort = Choose(randomize, _configuration.GetValue("AppHost:Dashboard:Port", 18888));
        var otlpPort = Choose(randomize, _configuration.GetValue("AppHost:Dashboard:OtlpHttpPort", 18890));
        var grpcPort = Choose(randomize, _configuration.GetValue("AppHost:Dashboard:OtlpGrpcPort", 18889));
        var (app, error) = await TryStartAsync(uiPort, otlpPort, grpcPort, cancellationToken).ConfigureAwait(false);
        if (app is null)
        {
            // Another process took a port between the check and the bind (two AppHosts starting at once).
            (uiPort, otlpPort, grpcPort) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
            (app, error) = await TryStartAsync(uiPort, otlpPort, grpcPort, cancellationToken).ConfigureAwait(false);
        }

        if (app is null)
        {
            throw new DistributedApplicationException(
                $"The dashboard cannot listen on ports {uiPort}, {otlpPort} and {grpcPort}: {error!.Message.TrimEnd('.')}. Set AppHost:Dashboard:Port / OtlpHttpPort / OtlpGrpcPort, or AppHost:Dashboard:Enabled=false.");
        }

        _app = app;
        Url = new Uri($"http://localhost:{uiPort}/");
        OtlpHttpUrl = new Uri($"http://localhost:{otlpPort}");
        OtlpGrpcUrl = new Uri($"http://localhost:{grpcPort}");
        if (_model.Options.PrintSummary)
        {
            await Console.Out.WriteLineAsync($"fluo: dashboard {Url} (API {Url}api/resources), OTLP/HTTP receiver {OtlpHttpUrl}, OTLP/gRPC receiver {OtlpGrpcUrl}").ConfigureAwait(false);
        }
    }

    private async Task<(WebApplication? App, IOException? Error)> TryStartAsync(int uiPort, int otlpPort, int grpcPort, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, uiPort);
            kestrel.Listen(IPAddress.Loopback, otlpPort);
            kestrel.Listen(IPAddress.Loopback, grpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Limits.MaxRequestBodySize = Store.Limits.MaxRequestBytes;
        });
        var app = builder.Build();
        app.MapGroup("/").RequireHost($"*:{otlpPort}").MapOtlpHttp(Store);
        app.MapGroup("/").RequireHost($"*:{grpcPort}").MapOtlpGrpc(Store);
        app.MapGroup("/api").RequireHost($"*:{uiPort}").MapDashboardApi(Store, _notifications, _logs, _commands);
        app.MapGroup("/").RequireHost($"*:{uiPort}").MapDashboardPages(Store, _notifications, _logs);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            return (app, null);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            return (null, ex);
        }
    }

    /// <summary>Whether a preferred port looks free; tests replace it to lose the race between the check and the bind.</summary>
    internal Func<int, bool> PortLooksFree { get; set; } = FreePort.IsFree;

    private int Choose(bool randomize, int preferred) =>
        randomize || !PortLooksFree(preferred) ? FreePort.Next() : preferred;

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }
}
