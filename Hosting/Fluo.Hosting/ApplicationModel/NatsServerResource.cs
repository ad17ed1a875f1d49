namespace Fluo.Hosting.ApplicationModel;

/// <summary>A NATS server (or routed cluster) run from the Debian <c>nats-server</c> binary, user <c>nats</c> with a password parameter.</summary>
public sealed class NatsServerResource(string name, ParameterResource password, int? port) : IResourceWithConnectionString, IResourceWithEnvironment
{
    /// <summary>The user every client logs in as, as in Aspire's NATS integration.</summary>
    public const string UserName = "nats";

    /// <summary>The container image the manifest names.</summary>
    public const string Image = "docker.io/library/nats:2.10";

    /// <inheritdoc />
    public string Name { get; } = name;

    /// <summary>The password parameter (<c>&lt;name&gt;-password</c>).</summary>
    public ParameterResource Password { get; } = password;

    /// <summary>A fixed client port, or null for a free one.</summary>
    public int? Port { get; } = port;

    /// <summary>True when JetStream is enabled (<c>-js</c>).</summary>
    public bool JetStream { get; set; }

    /// <summary>Where JetStream stores its data; null means under the application's state folder.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>How many routed servers to run locally (1 = a single server).</summary>
    public int ClusterSize { get; set; } = 1;

    /// <inheritdoc />
    /// <remarks>Given to every node's process (and to the container in the manifest), e.g. <c>GOMAXPROCS</c>.</remarks>
    public IList<EnvironmentEntry> Environment { get; } = [];

    /// <inheritdoc />
    public string ConnectionStringExpression =>
        $"nats://{UserName}:{{{Password.Name}.value}}@{{{Name}.bindings.tcp.host}}:{{{Name}.bindings.tcp.port}}";
}
