using Fluo.Hosting.ApplicationModel;

namespace Fluo.Hosting;

/// <summary>Wiring verbs: references, waits and environment variables.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>Passes <paramref name="source"/>'s connection string as <c>ConnectionStrings__&lt;name&gt;</c>.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString> source)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        return AddReference(builder, source.Resource);
    }

    /// <summary>Passes every replica URL of <paramref name="source"/> as <c>services__&lt;name&gt;__http__&lt;i&gt;</c> (service discovery).</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<ProjectResource> source)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        return AddReference(builder, source.Resource);
    }

    /// <summary>Starts this resource only once <paramref name="dependency"/> is healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dependency);
        if (!builder.Resource.WaitsFor.Contains(dependency.Resource))
        {
            builder.Resource.WaitsFor.Add(dependency.Resource);
        }

        return builder;
    }

    /// <summary>Sets an environment variable to a literal.</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string? value)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder.Resource.Environment.Add(new EnvironmentEntry(name, EnvironmentValueKind.Literal, value));
        return builder;
    }

    /// <summary>Sets an environment variable to a parameter's value.</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, IResourceBuilder<ParameterResource> parameter)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(parameter);
        builder.Resource.Environment.Add(new EnvironmentEntry(name, EnvironmentValueKind.Parameter, Source: parameter.Resource));
        return builder;
    }

    /// <summary>Sets an environment variable to a resource's connection string.</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, IResourceBuilder<IResourceWithConnectionString> source)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        builder.Resource.Environment.Add(new EnvironmentEntry(name, EnvironmentValueKind.ConnectionString, Source: source.Resource));
        return builder;
    }

    private static IResourceBuilder<T> AddReference<T>(IResourceBuilder<T> builder, IResource source) where T : IResourceWithEnvironment
    {
        if (builder.Resource is ProjectResource project && !project.References.Contains(source))
        {
            project.References.Add(source);
        }

        return builder;
    }
}
