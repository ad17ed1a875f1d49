namespace Fluo.Hosting.ApplicationModel;

/// <summary>A PostgreSQL server run from the Debian binaries, superuser <c>postgres</c> with a password parameter.</summary>
public sealed class PostgresServerResource(string name, ParameterResource password, int? port) : IResourceWithConnectionString
{
    /// <summary>The container image the manifest names.</summary>
    public const string Image = "docker.io/library/postgres:17.6";

    /// <inheritdoc />
    public string Name { get; } = name;

    /// <summary>The superuser's password parameter (<c>&lt;name&gt;-password</c>).</summary>
    public ParameterResource Password { get; } = password;

    /// <summary>A fixed port, or null for a free one.</summary>
    public int? Port { get; } = port;

    /// <summary>The databases created on this server when it is ready.</summary>
    public IList<PostgresDatabaseResource> Databases { get; } = [];

    /// <inheritdoc />
    public string ConnectionStringExpression =>
        $"Host={{{Name}.bindings.tcp.host}};Port={{{Name}.bindings.tcp.port}};Username=postgres;Password={{{Password.Name}.value}}";
}

/// <summary>A database on a <see cref="PostgresServerResource"/>, created when the server is ready.</summary>
public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource parent) : IResourceWithConnectionString
{
    /// <inheritdoc />
    public string Name { get; } = name;

    /// <summary>The database's name on the server.</summary>
    public string DatabaseName { get; } = databaseName;

    /// <summary>The server.</summary>
    public PostgresServerResource Parent { get; } = parent;

    /// <inheritdoc />
    public string ConnectionStringExpression => $"{{{Parent.Name}.connectionString}};Database={DatabaseName}";
}
