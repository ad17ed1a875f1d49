namespace Fluo.Hosting.ApplicationModel;

/// <summary>A .NET project started from its build output with Aspire's environment, one process per replica.</summary>
public sealed class ProjectResource(string name, string projectPath) : IResourceWithEnvironment, IResourceWithWaitSupport
{
    /// <inheritdoc />
    public string Name { get; } = name;

    /// <summary>The absolute path of the <c>.csproj</c>.</summary>
    public string ProjectPath { get; } = projectPath;

    /// <summary>How many processes to run, each on its own port.</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>True when the HTTP endpoint is public in deployment (<c>external: true</c> in the manifest).</summary>
    public bool ExternalHttpEndpoints { get; set; }

    /// <summary>A fixed HTTP port for the first replica, or null for free ports.</summary>
    public int? HttpPort { get; set; }

    /// <summary>The path probed for health (<c>/health</c>); null means healthy once running.</summary>
    public string? HealthCheckPath { get; set; } = "/health";

    /// <inheritdoc />
    public IList<EnvironmentEntry> Environment { get; } = [];

    /// <inheritdoc />
    public IList<IResource> WaitsFor { get; } = [];

    /// <summary>Resources passed in with <c>WithReference</c>, in order.</summary>
    public IList<IResource> References { get; } = [];
}
