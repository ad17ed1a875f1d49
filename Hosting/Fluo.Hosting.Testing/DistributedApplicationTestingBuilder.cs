using System.Reflection;
using System.Runtime.ExceptionServices;
using Fluo.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fluo.Hosting.Testing;

/// <summary>
/// Builds an AppHost's model for a test: its own <c>Main</c> runs up to <c>Build()</c>, with a temporary state
/// folder, free ports, fresh parameter values and no console echo. Change the model if needed, then
/// <see cref="BuildAsync"/>, <c>StartAsync</c> and wait for health. Disposing stops everything and deletes the state.
/// </summary>
public sealed class DistributedApplicationTestingBuilder : IDistributedApplicationBuilder, IAsyncDisposable
{
    private readonly DistributedApplicationBuilder _inner;
    private readonly string _stateDirectory;
    private DistributedApplication? _application;

    private DistributedApplicationTestingBuilder(DistributedApplicationBuilder inner, string stateDirectory)
    {
        _inner = inner;
        _stateDirectory = stateDirectory;
    }

    /// <inheritdoc />
    public IConfigurationManager Configuration => _inner.Configuration;

    /// <inheritdoc />
    public IServiceCollection Services => _inner.Services;

    /// <inheritdoc />
    public IHostEnvironment Environment => _inner.Environment;

    /// <inheritdoc />
    public DistributedApplicationExecutionContext ExecutionContext => _inner.ExecutionContext;

    /// <inheritdoc />
    public string AppHostDirectory => _inner.AppHostDirectory;

    /// <inheritdoc />
    public IReadOnlyList<IResource> Resources => _inner.Resources;

    /// <summary>The temporary state folder (deleted on dispose).</summary>
    public string StateDirectory => _stateDirectory;

    /// <summary>Runs <typeparamref name="TEntryPoint"/>'s assembly entry point (the AppHost's <c>Program</c>) up to <c>Build()</c>.</summary>
    public static Task<DistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(CancellationToken cancellationToken = default) where TEntryPoint : class =>
        CreateAsync(typeof(TEntryPoint).Assembly, [], cancellationToken);

    /// <summary>Runs <typeparamref name="TEntryPoint"/>'s assembly entry point with <paramref name="args"/> up to <c>Build()</c>.</summary>
    public static Task<DistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(string[] args, CancellationToken cancellationToken = default) where TEntryPoint : class =>
        CreateAsync(typeof(TEntryPoint).Assembly, args, cancellationToken);

    /// <summary>Runs an AppHost assembly's entry point with <paramref name="args"/> up to <c>Build()</c>.</summary>
    public static async Task<DistributedApplicationTestingBuilder> CreateAsync(Assembly appHostAssembly, string[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(appHostAssembly);
        var entryPoint = appHostAssembly.EntryPoint
            ?? throw new ArgumentException($"Assembly '{appHostAssembly.GetName().Name}' has no entry point; is it an AppHost?", nameof(appHostAssembly));
        var stateDirectory = NewStateDirectory();
        var hooks = new BuilderHooks(options => TestOptions(options, appHostAssembly, stateDirectory));
        var main = Task.Run(() =>
        {
            BuilderHooks.Current = hooks;
            try
            {
                var result = entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? [] : [args]);
                if (result is Task task)
                {
                    task.GetAwaiter().GetResult();
                }
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            }
        }, cancellationToken);
        try
        {
            await main.ConfigureAwait(false);
        }
        catch (BuilderCapturedException)
        {
        }

        var captured = hooks.Captured
            ?? throw new InvalidOperationException($"'{appHostAssembly.GetName().Name}' returned without calling Build() on a Fluo.Hosting builder.");
        captured.Hooks = null;
        return new DistributedApplicationTestingBuilder(captured, stateDirectory);
    }

    /// <summary>An empty builder with test settings, for models written in the test itself.</summary>
    public static DistributedApplicationTestingBuilder Create(params string[] args)
    {
        var stateDirectory = NewStateDirectory();
        var options = TestOptions(new DistributedApplicationOptions { Args = args ?? [] }, Assembly.GetCallingAssembly(), stateDirectory);
        return new DistributedApplicationTestingBuilder(new DistributedApplicationBuilder(options), stateDirectory);
    }

    /// <inheritdoc />
    public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource => _inner.AddResource(resource);

    /// <summary>Builds the application (start it with <c>StartAsync</c>).</summary>
    public Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Build());
    }

    /// <inheritdoc />
    public DistributedApplication Build()
    {
        if (_application is not null)
        {
            throw new InvalidOperationException("The application was already built.");
        }

        _application = _inner.Build();
        return _application;
    }

    /// <summary>Stops and disposes the application, then deletes the state folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_application is { } application)
        {
            await application.DisposeAsync().ConfigureAwait(false);
        }

        Orchestration.StateDirectory.Delete(_stateDirectory);
    }

    private static DistributedApplicationOptions TestOptions(DistributedApplicationOptions options, Assembly appHostAssembly, string stateDirectory) => new()
    {
        Args = options.Args,
        AppHostAssembly = options.AppHostAssembly ?? appHostAssembly,
        StateDirectory = stateDirectory,
        DeleteStateOnDispose = true,
        EchoResourceOutput = false,
        PrintSummary = false,
        HandleConsoleSignals = false,
        RandomizePorts = true,
        FastStorage = true,
        RandomParameterValues = true,
        RestartDelay = TimeSpan.FromMilliseconds(500),
        HealthCheckInterval = TimeSpan.FromSeconds(1),
    };

    // State left by test processes that died before disposing (their servers died with them: pdeathsig).
    private static void SweepStaleStates(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (var directory in Directory.EnumerateDirectories(root, "hosting-*"))
        {
            var parts = Path.GetFileName(directory).Split('-');
            if (parts.Length >= 3 && int.TryParse(parts[1], out var pid) && pid != System.Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
            {
                Orchestration.StateDirectory.Delete(directory);
            }
        }
    }

    private static string NewStateDirectory()
    {
        var root = System.Environment.GetEnvironmentVariable("FLUO_TEST_ROOT") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), "fluo-tests");
        SweepStaleStates(root);
        var path = Path.Combine(root, $"hosting-{System.Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(path);
        return path;
    }
}
