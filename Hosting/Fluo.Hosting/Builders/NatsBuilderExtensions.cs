using Fluo.Hosting.ApplicationModel;

namespace Fluo.Hosting;

/// <summary>NATS verbs: <c>AddNats(name).WithJetStream()</c>, with a data directory or a local cluster.</summary>
public static class NatsBuilderExtensions
{
    /// <summary>Adds a NATS server with user <c>nats</c> and a generated password parameter <c>&lt;name&gt;-password</c>.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name (and the connection-string name).</param>
    /// <param name="port">A fixed client port, or null for a free one.</param>
    public static IResourceBuilder<NatsServerResource> AddNats(this IDistributedApplicationBuilder builder, string name, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var password = builder.AddResource(new ParameterResource($"{name}-password", secret: true, generate: new ParameterGeneration(22, Special: false)));
        return builder.AddResource(new NatsServerResource(name, password.Resource, port));
    }

    /// <summary>Enables JetStream (<c>-js</c>); its store lives under the state folder and persists between runs.</summary>
    public static IResourceBuilder<NatsServerResource> WithJetStream(this IResourceBuilder<NatsServerResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.JetStream = true;
        return builder;
    }

    /// <summary>Stores JetStream data in <paramref name="path"/> (relative to the AppHost directory) instead of the state folder.</summary>
    public static IResourceBuilder<NatsServerResource> WithDataDirectory(this IResourceBuilder<NatsServerResource> builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        builder.Resource.DataDirectory = path;
        return builder;
    }

    /// <summary>Runs <paramref name="size"/> routed servers locally; clients get every URL (comma-separated).</summary>
    public static IResourceBuilder<NatsServerResource> WithClusterSize(this IResourceBuilder<NatsServerResource> builder, int size)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        builder.Resource.ClusterSize = size;
        return builder;
    }
}
