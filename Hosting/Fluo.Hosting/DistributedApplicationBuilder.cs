using System.Reflection;
using System.Text.RegularExpressions;
using Fluo.Hosting.ApplicationModel;
using Fluo.Hosting.Logs;
using Fluo.Hosting.Orchestration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fluo.Hosting;

/// <summary>The application builder: a host builder for the AppHost plus the resource list.</summary>
public sealed partial class DistributedApplicationBuilder : IDistributedApplicationBuilder
{
    private readonly HostApplicationBuilder _host;
    private readonly List<IResource> _resources = [];

    internal DistributedApplicationBuilder(DistributedApplicationOptions options)
    {
        Options = options;
        var assembly = options.AppHostAssembly ?? Assembly.GetEntryAssembly();
        AppHostDirectory = FindAppHostDirectory(assembly);
        ProjectConfiguration = assembly?.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        _host = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [.. options.Args],
            ContentRootPath = AppHostDirectory,
            ApplicationName = assembly?.GetName().Name,
        });
        _host.Configuration.AddCommandLine([.. options.Args], new Dictionary<string, string>
        {
            ["--publisher"] = "Publishing:Publisher",
            ["--output-path"] = "Publishing:OutputPath",
        });
        _host.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        if (!options.EchoResourceOutput)
        {
            _host.Logging.ClearProviders();
        }

        ExecutionContext = new DistributedApplicationExecutionContext(
            _host.Configuration["Publishing:Publisher"], _host.Configuration["Publishing:OutputPath"]);
    }

    /// <inheritdoc />
    public IConfigurationManager Configuration => _host.Configuration;

    /// <inheritdoc />
    public IServiceCollection Services => _host.Services;

    /// <inheritdoc />
    public IHostEnvironment Environment => _host.Environment;

    /// <inheritdoc />
    public DistributedApplicationExecutionContext ExecutionContext { get; }

    /// <inheritdoc />
    public string AppHostDirectory { get; }

    /// <inheritdoc />
    public IReadOnlyList<IResource> Resources => _resources;

    internal DistributedApplicationOptions Options { get; }

    internal string ProjectConfiguration { get; }

    internal BuilderHooks? Hooks { get; set; }

    /// <inheritdoc />
    public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (!ValidName().IsMatch(resource.Name))
        {
            throw new ArgumentException(
                $"Resource name '{resource.Name}' is invalid: use 1-64 ASCII letters, digits and hyphens, starting with a letter.", nameof(resource));
        }

        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new DistributedApplicationException($"Cannot add resource '{resource.Name}': a resource with that name already exists.");
        }

        _resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }

    /// <inheritdoc />
    public DistributedApplication Build()
    {
        if (Hooks is { } hooks)
        {
            hooks.Captured = this;
            throw new BuilderCapturedException();
        }

        var model = new DistributedApplicationModel(_resources.ToList(), AppHostDirectory, ProjectConfiguration, Options, ExecutionContext);
        _host.Services.AddSingleton(model);
        _host.Services.AddSingleton<ResourceNotificationService>();
        _host.Services.AddSingleton<ResourceCommandService>();
        _host.Services.AddSingleton(sp => new ResourceLoggerService(Options.EchoResourceOutput));
        _host.Services.AddSingleton<Dashboard.DashboardServer>();
        _host.Services.AddSingleton<Orchestrator>();
        _host.Services.AddHostedService(sp => sp.GetRequiredService<Orchestrator>());
        if (!Options.HandleConsoleSignals)
        {
            _host.Services.AddSingleton<IHostLifetime, NullLifetime>();
        }

        return new DistributedApplication(_host.Build(), model);
    }

    private static string FindAppHostDirectory(Assembly? assembly)
    {
        var fromMetadata = assembly?.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "AppHostProjectDirectory")?.Value;
        return fromMetadata is { Length: > 0 } && Directory.Exists(fromMetadata) ? fromMetadata : Directory.GetCurrentDirectory();
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9-]{0,63}$")]
    private static partial Regex ValidName();

    private sealed class NullLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
