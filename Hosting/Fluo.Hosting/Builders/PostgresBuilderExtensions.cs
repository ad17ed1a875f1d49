using Fluo.Hosting.ApplicationModel;

namespace Fluo.Hosting;

/// <summary>PostgreSQL verbs: <c>AddPostgres(name).AddDatabase(name)</c>.</summary>
public static class PostgresBuilderExtensions
{
    /// <summary>Adds a PostgreSQL server with superuser <c>postgres</c> and a generated password parameter <c>&lt;name&gt;-password</c>.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="port">A fixed port, or null for a free one.</param>
    public static IResourceBuilder<PostgresServerResource> AddPostgres(this IDistributedApplicationBuilder builder, string name, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var password = builder.AddResource(new ParameterResource($"{name}-password", secret: true, generate: new ParameterGeneration(22, Special: false)));
        return builder.AddResource(new PostgresServerResource(name, password.Resource, port));
    }

    /// <summary>Adds a database, created when the server is ready; its connection string adds <c>Database=</c>.</summary>
    /// <param name="builder">The server.</param>
    /// <param name="name">The resource name (and the connection-string name).</param>
    /// <param name="databaseName">The database name on the server; <paramref name="name"/> by default.</param>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> builder, string name, string? databaseName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var database = new PostgresDatabaseResource(name, databaseName ?? name, builder.Resource);
        builder.Resource.Databases.Add(database);
        return builder.ApplicationBuilder.AddResource(database);
    }
}
