using Fluo.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fluo.Hosting;

/// <summary>Builds the application model: the AppHost adds resources with the verbs, then calls <see cref="Build"/>.</summary>
public interface IDistributedApplicationBuilder
{
    /// <summary>The AppHost's configuration (command line, environment, appsettings).</summary>
    IConfigurationManager Configuration { get; }

    /// <summary>The AppHost's services.</summary>
    IServiceCollection Services { get; }

    /// <summary>The AppHost's host environment.</summary>
    IHostEnvironment Environment { get; }

    /// <summary>Whether the AppHost runs the application or publishes its manifest.</summary>
    DistributedApplicationExecutionContext ExecutionContext { get; }

    /// <summary>The AppHost project's directory (relative project paths resolve against it).</summary>
    string AppHostDirectory { get; }

    /// <summary>The resources added so far, in order.</summary>
    IReadOnlyList<IResource> Resources { get; }

    /// <summary>Adds a resource; its name must be unique (case-insensitive).</summary>
    IResourceBuilder<T> AddResource<T>(T resource) where T : IResource;

    /// <summary>Builds the application. Nothing starts until <c>Run</c>/<c>StartAsync</c>.</summary>
    DistributedApplication Build();
}

/// <summary>Run or publish, decided by <c>--publisher</c> (configuration <c>Publishing:Publisher</c>).</summary>
/// <param name="Publisher">The publisher name (<c>manifest</c>), or null in run mode.</param>
/// <param name="OutputPath">Where the publisher writes, or null.</param>
public sealed record DistributedApplicationExecutionContext(string? Publisher, string? OutputPath)
{
    /// <summary>True when the AppHost writes a manifest instead of running anything.</summary>
    public bool IsPublishMode => Publisher is not null;

    /// <summary>True when the AppHost runs the resources.</summary>
    public bool IsRunMode => !IsPublishMode;
}
