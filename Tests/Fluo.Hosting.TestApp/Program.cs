using System.Collections;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
// A health check the tests turn: POST /health-switch/Unhealthy makes /health answer 503.
var healthSwitch = HealthStatus.Healthy;
builder.Services.AddHealthChecks().AddCheck("switch", () => new HealthCheckResult(healthSwitch, $"switched to {healthSwitch}"));
var app = builder.Build();
app.MapDefaultEndpoints();

// Everything the orchestrator passes in, as the project itself sees it.
app.MapGet("/env", () => Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
    .ToDictionary(e => (string)e.Key, e => (string?)e.Value));
app.MapGet("/config/{*key}", (string key, IConfiguration configuration) => configuration[key.Replace('/', ':')]);
app.MapGet("/pid", () => Environment.ProcessId);
app.MapPost("/health-switch/{status}", (HealthStatus status) => healthSwitch = status);
app.MapGet("/db/{name}", async (string name, IConfiguration configuration) =>
{
    await using var connection = new NpgsqlConnection(configuration.GetConnectionString(name));
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand("SELECT current_database()", connection);
    return (string?)await command.ExecuteScalarAsync();
});
app.MapPost("/crash", () =>
{
    _ = Task.Run(async () =>
    {
        await Task.Delay(100);
        Native.Exit(42); // like a crash: no shutdown, no flush

    });
    return "crashing";
});

app.Run();

internal static partial class Native
{
    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "_exit")]
    internal static partial void Exit(int status);
}
