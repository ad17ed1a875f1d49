using Fluo.Hosting.ApplicationModel;

namespace Fluo.Hosting;

/// <summary>The built application model: the resources and where the AppHost lives.</summary>
/// <param name="Resources">Every resource, in the order added.</param>
/// <param name="AppHostDirectory">The AppHost project's directory.</param>
/// <param name="ProjectConfiguration">The build configuration projects are started from (the AppHost's own).</param>
/// <param name="Options">The options the builder was created with.</param>
/// <param name="ExecutionContext">Run or publish.</param>
public sealed record DistributedApplicationModel(
    IReadOnlyList<IResource> Resources,
    string AppHostDirectory,
    string ProjectConfiguration,
    DistributedApplicationOptions Options,
    DistributedApplicationExecutionContext ExecutionContext)
{
    /// <summary>The resource called <paramref name="name"/> (case-insensitive), or null.</summary>
    public IResource? Find(string name) =>
        Resources.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
}
