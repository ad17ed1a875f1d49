namespace Fluo.Hosting.ApplicationModel;

/// <summary>Configures one resource of the application model; the verbs are extension methods.</summary>
/// <typeparam name="T">The resource type.</typeparam>
public interface IResourceBuilder<out T> where T : IResource
{
    /// <summary>The resource being configured.</summary>
    T Resource { get; }

    /// <summary>The application builder the resource belongs to.</summary>
    IDistributedApplicationBuilder ApplicationBuilder { get; }
}

internal sealed record ResourceBuilder<T>(T Resource, IDistributedApplicationBuilder ApplicationBuilder) : IResourceBuilder<T> where T : IResource;
