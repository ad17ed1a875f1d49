using Fluo.Hosting.ApplicationModel;

namespace Fluo.Hosting;

/// <summary>Project verbs: <c>AddProject</c>, replicas, endpoints, health path.</summary>
public static class ProjectBuilderExtensions
{
    /// <summary>Adds a .NET project by the path of its <c>.csproj</c> (relative to the AppHost directory).</summary>
    public static IResourceBuilder<ProjectResource> AddProject(this IDistributedApplicationBuilder builder, string name, string projectPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(projectPath);
        return builder.AddResource(new ProjectResource(name, Path.GetFullPath(projectPath, builder.AppHostDirectory)));
    }

    /// <summary>Adds a project the AppHost references (<c>Projects.X</c>, generated from its <c>IsAspireProjectResource</c> references).</summary>
    public static IResourceBuilder<ProjectResource> AddProject<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject(name, new TProject().ProjectPath);

    /// <summary>Runs <paramref name="replicas"/> processes, each on its own port with its own instance id.</summary>
    public static IResourceBuilder<ProjectResource> WithReplicas(this IResourceBuilder<ProjectResource> builder, int replicas)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        builder.Resource.Replicas = replicas;
        return builder;
    }

    /// <summary>Marks the HTTP endpoint public in deployment (<c>external: true</c>).</summary>
    public static IResourceBuilder<ProjectResource> WithExternalHttpEndpoints(this IResourceBuilder<ProjectResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.ExternalHttpEndpoints = true;
        return builder;
    }

    /// <summary>Fixes the first replica's HTTP port (others still get free ports).</summary>
    public static IResourceBuilder<ProjectResource> WithHttpEndpoint(this IResourceBuilder<ProjectResource> builder, int port)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.HttpPort = port;
        return builder;
    }

    /// <summary>The path whose 2xx answer means healthy (<c>/health</c> by default); null: healthy once started.</summary>
    public static IResourceBuilder<ProjectResource> WithHttpHealthCheck(this IResourceBuilder<ProjectResource> builder, string? path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.HealthCheckPath = path;
        return builder;
    }
}
