namespace Fluo.Hosting;

/// <summary>
/// A project the AppHost references with <c>IsAspireProjectResource="true"</c>; the build generates one class per
/// such project in the <c>Projects</c> namespace, for <c>AddProject&lt;Projects.X&gt;("name")</c>.
/// </summary>
public interface IProjectMetadata
{
    /// <summary>The absolute path of the project file.</summary>
    string ProjectPath { get; }
}
