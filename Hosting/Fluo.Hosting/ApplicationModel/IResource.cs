namespace Fluo.Hosting.ApplicationModel;

/// <summary>A named part of the distributed application: a server, a database, a project or a parameter.</summary>
public interface IResource
{
    /// <summary>The resource's unique name in the application (also its name in the manifest).</summary>
    string Name { get; }
}

/// <summary>A resource that other resources reach through a connection string (<c>ConnectionStrings__&lt;name&gt;</c>).</summary>
public interface IResourceWithConnectionString : IResource
{
    /// <summary>The connection string as a manifest expression, e.g. <c>{pg.connectionString};Database=db</c>.</summary>
    string ConnectionStringExpression { get; }
}

/// <summary>A resource that receives environment variables and references (projects).</summary>
public interface IResourceWithEnvironment : IResource
{
    /// <summary>Environment entries in the order they were added.</summary>
    IList<EnvironmentEntry> Environment { get; }
}

/// <summary>A resource whose start can wait for other resources to be healthy.</summary>
public interface IResourceWithWaitSupport : IResource
{
    /// <summary>Resources that must be healthy before this one starts.</summary>
    IList<IResource> WaitsFor { get; }
}
