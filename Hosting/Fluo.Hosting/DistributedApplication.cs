using Fluo.Hosting.Logs;
using Fluo.Hosting.Orchestration;
using Fluo.Hosting.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fluo.Hosting;

/// <summary>
/// The built application: <see cref="Run"/> starts every resource and blocks until Ctrl+C / SIGTERM, or
/// writes the manifest when started with <c>--publisher manifest --output-path &lt;file&gt;</c>.
/// </summary>
public sealed class DistributedApplication : IHost, IAsyncDisposable
{
    private readonly IHost _host;
    private int _started;
    private int _disposed;

    internal DistributedApplication(IHost host, DistributedApplicationModel model)
    {
        _host = host;
        Model = model;
    }

    /// <summary>The AppHost's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>The resources and options this application was built from.</summary>
    public DistributedApplicationModel Model { get; }

    /// <summary>Resource states, endpoints and connection strings; wait here for a resource to be healthy.</summary>
    public ResourceNotificationService ResourceNotifications => _host.Services.GetRequiredService<ResourceNotificationService>();

    /// <summary>The captured console output of every resource.</summary>
    public ResourceLoggerService ResourceLogs => _host.Services.GetRequiredService<ResourceLoggerService>();

    /// <summary>Creates a builder for the AppHost's command-line <paramref name="args"/>.</summary>
    public static IDistributedApplicationBuilder CreateBuilder(string[] args) =>
        CreateBuilder(new DistributedApplicationOptions { Args = args ?? [] });

    /// <summary>Creates a builder with explicit options.</summary>
    public static IDistributedApplicationBuilder CreateBuilder(DistributedApplicationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hooks = BuilderHooks.Current;
        if (hooks is not null)
        {
            options = hooks.Configure(options);
        }

        return new DistributedApplicationBuilder(options) { Hooks = hooks };
    }

    /// <summary>Validates the model and starts every resource; returns once all are launched (health arrives later).</summary>
    /// <exception cref="DistributedApplicationException">The model or its environment is wrong; nothing was started.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref _started, 1);
        return _host.StartAsync(cancellationToken);
    }

    /// <summary>Stops projects, then servers, gracefully then by force.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _host.StopAsync(cancellationToken);

    /// <summary>Runs until Ctrl+C / SIGTERM, or publishes the manifest in publish mode.</summary>
    public void Run() => RunAsync().GetAwaiter().GetResult();

    /// <summary>Runs until Ctrl+C / SIGTERM or <paramref name="cancellationToken"/>, or publishes the manifest in publish mode.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (Model.ExecutionContext.IsPublishMode)
        {
            await PublishAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DistributedApplicationException e)
        {
            await Console.Error.WriteLineAsync($"fluo: cannot start the application: {e.Message}").ConfigureAwait(false);
            Environment.ExitCode = 1;
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
            return;
        }

        await _host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (Volatile.Read(ref _started) == 1)
        {
            await _host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        if (_host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            _host.Dispose();
        }

        if (Model.Options.DeleteStateOnDispose)
        {
            StateDirectory.Delete(StateDirectory.Resolve(Model, null));
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task PublishAsync(CancellationToken cancellationToken)
    {
        var publisher = Model.ExecutionContext.Publisher;
        if (!string.Equals(publisher, "manifest", StringComparison.OrdinalIgnoreCase))
        {
            throw new DistributedApplicationException($"Unknown publisher '{publisher}'; the only publisher is 'manifest'.");
        }

        var path = ManifestPublisher.ResolveOutputPath(Model.ExecutionContext.OutputPath, Model.AppHostDirectory);
        ModelValidator.ValidateStructure(Model);
        await ManifestPublisher.WriteAsync(Model, path, cancellationToken).ConfigureAwait(false);
        await Console.Out.WriteLineAsync($"fluo: wrote the manifest to {path}").ConfigureAwait(false);
    }
}
