using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fluo.Hosting.Publishing;
using Fluo.Hosting.Tests.Support;

namespace Fluo.Hosting.Tests;

/// <summary>The azd side: manifest publishing as azd runs it, schema validation, expression resolution, the AppHost probe.</summary>
public sealed partial class ManifestTests
{
    private static readonly SchemaValidator Schema = new(
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Schemas", "aspire-manifest.schema.json"))).RootElement);

    [Theory]
    [InlineData("AppHost")]
    [InlineData("TestAppHost")]
    public async Task Publishing_writes_a_manifest_that_validates_and_starts_nothing(string which)
    {
        var dll = which == "AppHost" ? Repo.AppHostDll : Repo.TestAppHostDll;
        var output = Repo.TempDirectory("hosting-manifest");
        try
        {
            var path = Path.Combine(output, "apphost-manifest.json");
            var (exitCode, text, pidsSeen) = await RunAsync(dll, "--publisher", "manifest", "--output-path", path);

            Assert.True(exitCode == 0, text);
            Assert.Equal(0, pidsSeen);
            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(path));
            AssertValid(manifest.RootElement);
            var resources = manifest.RootElement.GetProperty("resources");
            var nats = resources.GetProperty("nats");
            Assert.Equal("container.v0", nats.GetProperty("type").GetString());
            Assert.Equal("docker.io/library/nats:2.10", nats.GetProperty("image").GetString());
            Assert.Equal(["--user", "nats", "--pass", "{nats-password.value}", "-js"], nats.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
            Assert.Equal("nats://nats:{nats-password.value}@{nats.bindings.tcp.host}:{nats.bindings.tcp.port}", nats.GetProperty("connectionString").GetString());
            Assert.Equal("parameter.v0", resources.GetProperty("nats-password").GetProperty("type").GetString());
            Assert.Equal("container.v0", resources.GetProperty("postgres").GetProperty("type").GetString());
            var database = which == "AppHost" ? "fluodb" : "testdb";
            Assert.Equal($"{{postgres.connectionString}};Database={database}", resources.GetProperty(database).GetProperty("connectionString").GetString());
            if (which == "TestAppHost")
            {
                var app = resources.GetProperty("app");
                Assert.Equal("project.v0", app.GetProperty("type").GetString());
                Assert.Equal(Repo.TestAppProject, app.GetProperty("path").GetString());
                Assert.Equal("{nats.connectionString}", app.GetProperty("env").GetProperty("ConnectionStrings__nats").GetString());
                Assert.Equal("{testdb.connectionString}", app.GetProperty("env").GetProperty("ConnectionStrings__testdb").GetString());
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task A_model_with_every_kind_of_resource_validates_and_its_expressions_resolve()
    {
        await using var builder = DistributedApplicationTestingBuilder.Create();
        var key = builder.AddParameter("apikey", secret: true);
        var nats = builder.AddNats("nats").WithJetStream().WithEnvironment("GOMAXPROCS", "2").WithEnvironment("NATS_KEY", key);
        var db = builder.AddPostgres("pg").AddDatabase("db");
        var mode = builder.AddParameter("mode", "fast");
        var backend = builder.AddProject("backend", Repo.TestAppProject).WithReference(nats).WithReference(db).WithReplicas(2);
        builder.AddProject("api", Repo.TestAppProject).WithExternalHttpEndpoints()
            .WithReference(backend).WithReference(nats).WaitFor(backend)
            .WithEnvironment("API_KEY", key).WithEnvironment("MODE", mode).WithEnvironment("DB", db).WithEnvironment("PLAIN", "x");
        await using var app = await builder.BuildAsync();

        using var stream = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(stream))
        {
            ManifestPublisher.Write(app.Model, writer);
        }

        using var manifest = JsonDocument.Parse(stream.ToArray());
        AssertValid(manifest.RootElement);
        var api = manifest.RootElement.GetProperty("resources").GetProperty("api");
        Assert.True(api.GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean());
        Assert.Equal("{backend.bindings.http.url}", api.GetProperty("env").GetProperty("services__backend__http__0").GetString());
        Assert.Equal("{apikey.value}", api.GetProperty("env").GetProperty("API_KEY").GetString());
        Assert.Equal("{api.bindings.http.targetPort}", api.GetProperty("env").GetProperty("HTTP_PORTS").GetString());
        var natsEnv = manifest.RootElement.GetProperty("resources").GetProperty("nats").GetProperty("env");
        Assert.Equal("2", natsEnv.GetProperty("GOMAXPROCS").GetString());
        Assert.Equal("{apikey.value}", natsEnv.GetProperty("NATS_KEY").GetString());
        var apikey = manifest.RootElement.GetProperty("resources").GetProperty("apikey").GetProperty("inputs").GetProperty("value");
        Assert.True(apikey.GetProperty("secret").GetBoolean());
        var generate = manifest.RootElement.GetProperty("resources").GetProperty("pg-password").GetProperty("inputs").GetProperty("value").GetProperty("default").GetProperty("generate");
        Assert.Equal(22, generate.GetProperty("minLength").GetInt32());
    }

    [Theory]
    [InlineData("/tmp/out/m.json", "/tmp/out/m.json")]
    [InlineData("/tmp/out", "/tmp/out/aspire-manifest.json")]
    [InlineData("rel/m.json", "/base/rel/m.json")]
    public void Output_paths_follow_Aspire(string given, string expected) =>
        Assert.Equal(expected, ManifestPublisher.ResolveOutputPath(given, "/base"));

    [Fact]
    public void The_validator_rejects_what_the_schema_forbids()
    {
        using var bad = JsonDocument.Parse("""{"resources":{"x":{"type":"project.v0","bindings":{"http":{"scheme":"http"}},"extra":1}}}""");
        var errors = Schema.Validate(bad.RootElement);
        Assert.NotEmpty(errors);
    }

    [Fact]
    public async Task Azd_probe_finds_the_AppHost()
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repo.Root,
        };
        foreach (var arg in new[] { "msbuild", Path.Combine(Repo.Root, "AppHost", "Fluo.AppHost.csproj"), "--ignore:.sln", "--getProperty:IsAspireHost", "--getItem:ProjectCapability" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(0, process.ExitCode);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("true", json.RootElement.GetProperty("Properties").GetProperty("IsAspireHost").GetString());
        Assert.Contains(json.RootElement.GetProperty("Items").GetProperty("ProjectCapability").EnumerateArray(),
            c => c.GetProperty("Identity").GetString() == "Aspire");
    }

    [Fact]
    public void Azure_yaml_points_azd_at_the_AppHost()
    {
        var yaml = File.ReadAllText(Path.Combine(Repo.Root, "azure.yaml"));
        Assert.Contains("project: ./AppHost/Fluo.AppHost.csproj", yaml);
        Assert.Contains("host: containerapp", yaml);
        Assert.True(File.Exists(Path.Combine(Repo.Root, "AppHost", "Fluo.AppHost.csproj")));
    }

    private static void AssertValid(JsonElement manifest)
    {
        var errors = Schema.Validate(manifest);
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
        var resources = manifest.GetProperty("resources");
        foreach (var text in Strings(manifest))
        {
            foreach (Match match in Expression().Matches(text))
            {
                var name = match.Groups["name"].Value;
                Assert.True(resources.TryGetProperty(name, out var target), $"'{match.Value}' names no resource");
                var type = target.GetProperty("type").GetString();
                switch (match.Groups["prop"].Value)
                {
                    case "connectionString":
                        Assert.True(target.TryGetProperty("connectionString", out _), $"'{match.Value}': {name} has no connection string");
                        break;
                    case "value" or "inputs.value":
                        Assert.Equal("parameter.v0", type);
                        break;
                    case var binding when binding.StartsWith("bindings.", StringComparison.Ordinal):
                        var bindingName = binding.Split('.')[1];
                        Assert.True(target.GetProperty("bindings").TryGetProperty(bindingName, out _), $"'{match.Value}': no binding {bindingName}");
                        break;
                    default:
                        Assert.Fail($"unexpected expression '{match.Value}'");
                        break;
                }
            }
        }
    }

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => element.EnumerateObject().Where(p => p.Name != "$schema").SelectMany(p => Strings(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        _ => [],
    };

    private static async Task<(int ExitCode, string Output, int ChildrenSeen)> RunAsync(string dll, params string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["ASPIRE_SUPPRESS_CLI_RUN_HOOK"] = "true";
        using var process = Process.Start(info)!;
        var children = 0;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        while (!process.HasExited)
        {
            children = Math.Max(children, ProcessTree.Descendants(process.Id).Count);
            await Task.Delay(20);
        }

        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr, children);
    }

    [GeneratedRegex(@"\{(?<name>[A-Za-z][A-Za-z0-9-]*)\.(?<prop>[A-Za-z0-9.]+)\}")]
    private static partial Regex Expression();
}
