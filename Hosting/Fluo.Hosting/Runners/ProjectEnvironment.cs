using System.Text.Json;
using Fluo.Hosting.ApplicationModel;
using Fluo.Hosting.Orchestration;

namespace Fluo.Hosting.Runners;

/// <summary>The environment Aspire gives a project: URLs, references, OpenTelemetry settings, launch-profile variables.</summary>
internal static class ProjectEnvironment
{
    public static Dictionary<string, string?> Build(ProjectResource project, string url, string instanceId, RunContext context)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
        };
        var profile = LaunchProfile(project, out var profileName);
        foreach (var (key, value) in profile)
        {
            env[key] = value;
        }

        if (profileName is not null)
        {
            env["DOTNET_LAUNCH_PROFILE"] = profileName;
        }

        env["ASPNETCORE_URLS"] = url;
        env["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "true";
        env["LOGGING__CONSOLE__FORMATTERNAME"] = "simple";
        env["OTEL_SERVICE_NAME"] = project.Name;
        env["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={instanceId}";
        env["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EXCEPTION_LOG_ATTRIBUTES"] = "true";
        env["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EVENT_LOG_ATTRIBUTES"] = "true";
        env["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory";
        if (string.Equals(env["ASPNETCORE_ENVIRONMENT"] ?? env["DOTNET_ENVIRONMENT"], "Development", StringComparison.OrdinalIgnoreCase))
        {
            env["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
            env["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
            env["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
            env["OTEL_TRACES_SAMPLER"] = "always_on";
            env["OTEL_METRICS_EXEMPLAR_FILTER"] = "trace_based";
            env["OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_DISABLE_URL_QUERY_REDACTION"] = "true";
            env["OTEL_DOTNET_EXPERIMENTAL_HTTPCLIENT_DISABLE_URL_QUERY_REDACTION"] = "true";
        }

        AddOtlpEndpoint(env, context);
        foreach (var reference in project.References)
        {
            AddReference(env, reference, context);
        }

        return AddEntries(env, project.Environment, context);
    }

    /// <summary>Sets each entry to its value in this run, in order (a later entry of a name wins); returns <paramref name="env"/>.</summary>
    public static Dictionary<string, string?> AddEntries(Dictionary<string, string?> env, IEnumerable<EnvironmentEntry> entries, RunContext context)
    {
        foreach (var entry in entries)
        {
            env[entry.Name] = Resolve(entry, context);
        }

        return env;
    }

    /// <summary>The manifest/runtime value of one reference: a connection string, or every replica's URL.</summary>
    private static void AddReference(Dictionary<string, string?> env, IResource reference, RunContext context)
    {
        var runner = context.RunnerOf(reference);
        if (reference is ProjectResource)
        {
            for (var i = 0; i < runner.Urls.Count; i++)
            {
                env[$"services__{reference.Name}__http__{i}"] = runner.Urls[i];
            }
        }
        else
        {
            env[$"ConnectionStrings__{reference.Name}"] = runner.ConnectionString;
        }
    }

    private static string? Resolve(EnvironmentEntry entry, RunContext context) => entry.Kind switch
    {
        EnvironmentValueKind.Literal => entry.Literal,
        EnvironmentValueKind.Parameter => context.Parameters[(ParameterResource)entry.Source!],
        EnvironmentValueKind.ConnectionString => context.RunnerOf(entry.Source!).ConnectionString,
        EnvironmentValueKind.EndpointUrl => context.RunnerOf(entry.Source!).Urls.ElementAtOrDefault(entry.Index),
        _ => null,
    };

    // An external dashboard when configured, else the AppHost's own receiver (off only when disabled).
    private static void AddOtlpEndpoint(Dictionary<string, string?> env, RunContext context)
    {
        var configuration = context.Configuration;
        if ((configuration["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] ?? configuration["DOTNET_DASHBOARD_OTLP_ENDPOINT_URL"]) is { Length: > 0 } grpc)
        {
            env["OTEL_EXPORTER_OTLP_ENDPOINT"] = grpc;
            env["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
        }
        else if ((configuration["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] ?? configuration["DOTNET_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"]) is { Length: > 0 } http)
        {
            env["OTEL_EXPORTER_OTLP_ENDPOINT"] = http;
            env["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        }
        else if (context.DashboardOtlpHttpUrl is { } own)
        {
            env["OTEL_EXPORTER_OTLP_ENDPOINT"] = own.ToString().TrimEnd('/');
            env["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        }
        else
        {
            return;
        }

        if (configuration["AppHost:OtlpApiKey"] is { Length: > 0 } key)
        {
            env["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-otlp-api-key={key}";
        }
    }

    // Aspire applies the project's launch profile (the first with commandName "Project") before its own variables.
    private static IEnumerable<KeyValuePair<string, string?>> LaunchProfile(ProjectResource project, out string? profileName)
    {
        profileName = null;
        var file = Path.Combine(Path.GetDirectoryName(project.ProjectPath)!, "Properties", "launchSettings.json");
        if (!File.Exists(file))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (!document.RootElement.TryGetProperty("profiles", out var profiles))
            {
                return [];
            }

            foreach (var profile in profiles.EnumerateObject())
            {
                if (profile.Value.TryGetProperty("commandName", out var command) && command.GetString() == "Project")
                {
                    profileName = profile.Name;
                    return profile.Value.TryGetProperty("environmentVariables", out var variables)
                        ? [.. variables.EnumerateObject().Select(v => KeyValuePair.Create(v.Name, (string?)v.Value.ToString()))]
                        : [];
                }
            }
        }
        catch (JsonException)
        {
        }

        return [];
    }
}
