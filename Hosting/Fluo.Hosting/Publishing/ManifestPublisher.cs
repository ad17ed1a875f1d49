using System.Text.Json;
using Fluo.Hosting.ApplicationModel;

namespace Fluo.Hosting.Publishing;

/// <summary>
/// Writes the Aspire manifest azd reads (<c>--publisher manifest --output-path &lt;file&gt;</c>): projects as
/// <c>project.v0</c>, NATS and PostgreSQL as <c>container.v0</c>, databases as <c>value.v0</c>, parameters as
/// <c>parameter.v0</c>; values that depend on deployment are expressions such as <c>{nats.connectionString}</c>.
/// </summary>
public static class ManifestPublisher
{
    /// <summary>The schema URL written as <c>$schema</c>.</summary>
    public const string SchemaUrl = "https://json.schemastore.org/aspire-8.0.json";

    /// <summary>Aspire's rule: a path not ending in <c>.json</c> is a folder that gets <c>aspire-manifest.json</c>.</summary>
    public static string ResolveOutputPath(string? outputPath, string baseDirectory)
    {
        var path = Path.GetFullPath(outputPath ?? "aspire-manifest.json", baseDirectory);
        return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? path : Path.Combine(path, "aspire-manifest.json");
    }

    /// <summary>Writes the manifest of <paramref name="model"/> to <paramref name="path"/>.</summary>
    public static async Task WriteAsync(DistributedApplicationModel model, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var stream = File.Create(path);
        await using (stream.ConfigureAwait(false))
        {
            await using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            Write(model, writer);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the manifest JSON of <paramref name="model"/>.</summary>
    public static void Write(DistributedApplicationModel model, Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("$schema", SchemaUrl);
        writer.WriteStartObject("resources");
        foreach (var resource in model.Resources)
        {
            writer.WriteStartObject(resource.Name);
            switch (resource)
            {
                case ParameterResource parameter:
                    WriteParameter(parameter, writer);
                    break;
                case NatsServerResource nats:
                    WriteNats(nats, writer);
                    break;
                case PostgresServerResource postgres:
                    WritePostgres(postgres, writer);
                    break;
                case PostgresDatabaseResource database:
                    writer.WriteString("type", "value.v0");
                    writer.WriteString("connectionString", database.ConnectionStringExpression);
                    break;
                case ProjectResource project:
                    WriteProject(project, writer);
                    break;
                default:
                    throw new DistributedApplicationException($"Resource '{resource.Name}': type {resource.GetType().Name} has no manifest form.");
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteParameter(ParameterResource parameter, Utf8JsonWriter writer)
    {
        writer.WriteString("type", "parameter.v0");
        writer.WriteString("value", $"{{{parameter.Name}.inputs.value}}");
        writer.WriteStartObject("inputs");
        writer.WriteStartObject("value");
        writer.WriteString("type", "string");
        if (parameter.Secret)
        {
            writer.WriteBoolean("secret", true);
        }

        if (parameter.Generate is { } generate)
        {
            writer.WriteStartObject("default");
            writer.WriteStartObject("generate");
            writer.WriteNumber("minLength", generate.MinLength);
            if (!generate.Special)
            {
                writer.WriteBoolean("special", false);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        else if (parameter.Value is { } value && !parameter.Secret)
        {
            writer.WriteStartObject("default");
            writer.WriteString("value", value);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteNats(NatsServerResource nats, Utf8JsonWriter writer)
    {
        writer.WriteString("type", "container.v0");
        writer.WriteString("connectionString", nats.ConnectionStringExpression);
        writer.WriteString("image", NatsServerResource.Image);
        writer.WriteStartArray("args");
        writer.WriteStringValue("--user");
        writer.WriteStringValue(NatsServerResource.UserName);
        writer.WriteStringValue("--pass");
        writer.WriteStringValue($"{{{nats.Password.Name}.value}}");
        if (nats.JetStream)
        {
            writer.WriteStringValue("-js");
        }

        writer.WriteEndArray();
        if (nats.Environment.Count > 0)
        {
            writer.WriteStartObject("env");
            WriteEnvironment(nats.Environment, writer);
            writer.WriteEndObject();
        }

        WriteTcpBinding(writer, 4222);
    }

    private static void WritePostgres(PostgresServerResource postgres, Utf8JsonWriter writer)
    {
        writer.WriteString("type", "container.v0");
        writer.WriteString("connectionString", postgres.ConnectionStringExpression);
        writer.WriteString("image", PostgresServerResource.Image);
        writer.WriteStartObject("env");
        writer.WriteString("POSTGRES_HOST_AUTH_METHOD", "scram-sha-256");
        writer.WriteString("POSTGRES_INITDB_ARGS", "--auth-host=scram-sha-256 --auth-local=scram-sha-256");
        writer.WriteString("POSTGRES_USER", "postgres");
        writer.WriteString("POSTGRES_PASSWORD", $"{{{postgres.Password.Name}.value}}");
        writer.WriteEndObject();
        WriteTcpBinding(writer, 5432);
    }

    private static void WriteTcpBinding(Utf8JsonWriter writer, int targetPort)
    {
        writer.WriteStartObject("bindings");
        writer.WriteStartObject("tcp");
        writer.WriteString("scheme", "tcp");
        writer.WriteString("protocol", "tcp");
        writer.WriteString("transport", "tcp");
        writer.WriteNumber("targetPort", targetPort);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteProject(ProjectResource project, Utf8JsonWriter writer)
    {
        writer.WriteString("type", "project.v0");
        writer.WriteString("path", project.ProjectPath.Replace('\\', '/'));
        writer.WriteStartObject("env");
        writer.WriteString("OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EXCEPTION_LOG_ATTRIBUTES", "true");
        writer.WriteString("OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EVENT_LOG_ATTRIBUTES", "true");
        writer.WriteString("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY", "in_memory");
        writer.WriteString("ASPNETCORE_FORWARDEDHEADERS_ENABLED", "true");
        writer.WriteString("HTTP_PORTS", $"{{{project.Name}.bindings.http.targetPort}}");
        foreach (var reference in project.References)
        {
            if (reference is ProjectResource)
            {
                writer.WriteString($"services__{reference.Name}__http__0", $"{{{reference.Name}.bindings.http.url}}");
                writer.WriteString($"services__{reference.Name}__https__0", $"{{{reference.Name}.bindings.https.url}}");
            }
            else
            {
                writer.WriteString($"ConnectionStrings__{reference.Name}", $"{{{reference.Name}.connectionString}}");
            }
        }

        WriteEnvironment(project.Environment, writer);
        writer.WriteEndObject();
        writer.WriteStartObject("bindings");
        foreach (var scheme in new[] { "http", "https" })
        {
            writer.WriteStartObject(scheme);
            writer.WriteString("scheme", scheme);
            writer.WriteString("protocol", "tcp");
            writer.WriteString("transport", "http");
            if (project.ExternalHttpEndpoints)
            {
                writer.WriteBoolean("external", true);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes each entry as a literal or as the expression azd resolves at deployment.</summary>
    private static void WriteEnvironment(IEnumerable<EnvironmentEntry> environment, Utf8JsonWriter writer)
    {
        foreach (var entry in environment)
        {
            writer.WriteString(entry.Name, entry.Kind switch
            {
                EnvironmentValueKind.Literal => entry.Literal ?? "",
                EnvironmentValueKind.Parameter => $"{{{entry.Source!.Name}.value}}",
                EnvironmentValueKind.ConnectionString => $"{{{entry.Source!.Name}.connectionString}}",
                _ => $"{{{entry.Source!.Name}.bindings.http.url}}",
            });
        }
    }
}
