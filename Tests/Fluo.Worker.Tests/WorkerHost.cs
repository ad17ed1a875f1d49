using Fluo.Worker;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fluo.Worker.Tests;

/// <summary>The worker built as Program builds it, on Kestrel at a free loopback port, with test settings.</summary>
internal sealed class WorkerHost : IAsyncDisposable
{
    private WorkerHost(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<WorkerHost> StartAsync(string natsUrl, IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "Fluo.Worker", EnvironmentName = "Development" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["ConnectionStrings:nats"] = natsUrl;
        builder.Configuration["Fluo:Worker:RetryBaseDelay"] = "00:00:00.100";
        builder.Configuration["Fluo:Worker:IdleHeartbeat"] = "00:00:01";
        builder.Configuration["Fluo:Worker:RequestTimeout"] = "00:00:02";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.Configuration[key] = value;
        }

        builder.AddServiceDefaults();
        builder.AddWorkerServices();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        await app.Services.GetRequiredService<FluoTopologyReady>().WaitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new WorkerHost(app, new Uri(address));
    }

    public HttpClient CreateClient() => new() { BaseAddress = Address };

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
