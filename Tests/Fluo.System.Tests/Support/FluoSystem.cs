using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Fluo.Contracts;
using Fluo.Contracts.Signals;
using Fluo.Hosting.Dashboard;
using Fluo.Nats;
using Microsoft.Extensions.DependencyInjection;

namespace Fluo.SystemTests.Support;

/// <summary>
/// The real AppHost model (nats, postgres/fluodb, backend, 2 workers, api) started by the testing builder with
/// isolated state, plus clients for the API, NATS and the database.
/// </summary>
public sealed class FluoSystem : IAsyncDisposable
{
    private readonly DistributedApplicationTestingBuilder _builder;

    private FluoSystem(DistributedApplicationTestingBuilder builder, DistributedApplication app, HttpClient api, NatsConnection nats, string database)
    {
        _builder = builder;
        App = app;
        Api = api;
        Nats = nats;
        Database = database;
    }

    /// <summary>The running application.</summary>
    public DistributedApplication App { get; }

    /// <summary>A client of the api's first replica.</summary>
    public HttpClient Api { get; }

    /// <summary>A connection to the system's NATS with Fluo's serializers.</summary>
    public NatsConnection Nats { get; }

    /// <summary>The fluodb connection string.</summary>
    public string Database { get; }

    /// <summary>The AppHost's dashboard (OTLP receiver and JSON API).</summary>
    public DashboardServer Dashboard => App.Services.GetRequiredService<DashboardServer>();

    /// <summary>JSON as the API writes it: Fluo's contracts, plus reflection for the test's own shapes (lists).</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(FluoJsonContext.Default, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()),
    };

    /// <summary>Starts the system and waits until every resource is healthy.</summary>
    public static async Task<FluoSystem> StartAsync(Action<DistributedApplicationTestingBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>(cancellationToken);
        configure?.Invoke(builder);
        var app = await builder.BuildAsync(cancellationToken);
        try
        {
            await app.StartAsync(cancellationToken);
            await app.WaitForAllResourcesHealthyAsync(cancellationToken);
            var nats = new NatsConnection(NatsOpts.Default with
            {
                Url = (await app.GetConnectionStringAsync("nats", cancellationToken))!,
                SerializerRegistry = FluoJsonContext.Registry,
            });
            await nats.ConnectAsync(cancellationToken);
            var database = (await app.GetConnectionStringAsync("fluodb", cancellationToken))!;
            return new FluoSystem(builder, app, app.CreateHttpClient("api"), nats, database);
        }
        catch
        {
            await app.DisposeAsync();
            await builder.DisposeAsync();
            throw;
        }
    }

    /// <summary>A new random W3C trace id.</summary>
    public static string NewTraceId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>A new random span id.</summary>
    public static string NewSpanId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>Creates a rule through the API and returns its id.</summary>
    public async Task<Guid> CreateRuleAsync(string name, string expression, string severity = "error", CancellationToken cancellationToken = default)
    {
        using var response = await Api.PostAsJsonAsync("/api/rules", new { name, severity, enabled = true, expression }, cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"creating rule '{name}': {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var rule = body.RootElement.TryGetProperty("rule", out var nested) ? nested : body.RootElement;
        return rule.GetProperty("id").GetGuid();
    }

    /// <summary>
    /// Polls <c>GET /api/signals?traceId=</c> until <paramref name="expected"/> signals exist (or the token ends). A 503
    /// (the Backend not answering yet, e.g. while it resubscribes after NATS returned) is polled again, as its
    /// <c>Retry-After</c> asks.
    /// </summary>
    public async Task<IReadOnlyList<Signal>> WaitForSignalsAsync(string traceId, int expected, CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await GetSignalsAsync($"traceId={traceId}", retryUnavailable: true, cancellationToken);
            if (page is not null && page.Count >= expected)
            {
                return page;
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>The signals matching a query string, through the API.</summary>
    public async Task<IReadOnlyList<Signal>> GetSignalsAsync(string query, CancellationToken cancellationToken) =>
        (await GetSignalsAsync(query, retryUnavailable: false, cancellationToken))!;

    private async Task<IReadOnlyList<Signal>?> GetSignalsAsync(string query, bool retryUnavailable, CancellationToken cancellationToken)
    {
        using var response = await Api.GetAsync($"/api/signals?{query}", cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (retryUnavailable && response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null)
        {
            return null;
        }

        Assert.True(response.IsSuccessStatusCode, $"GET /api/signals?{query}: {(int)response.StatusCode} {text}");
        using var body = JsonDocument.Parse(text);
        return body.RootElement.GetProperty("items").Deserialize<List<Signal>>(Json)!;
    }

    /// <summary>Posts a compact Fluo JSON trace and returns the job id.</summary>
    public async Task<Guid> PostTraceAsync(object trace, CancellationToken cancellationToken)
    {
        using var response = await Api.PostAsJsonAsync("/api/traces", trace, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"POST /api/traces: {(int)response.StatusCode} {text}");
        using var body = JsonDocument.Parse(text);
        return body.RootElement.GetProperty("jobId").GetGuid();
    }

    /// <summary>A two-span Fluo JSON trace: a root and a child named <paramref name="childName"/> lasting <paramref name="childMs"/>.</summary>
    public static object Trace(string traceId, string childName = "db.query", double childMs = 10, string status = "ok")
    {
        var root = NewSpanId();
        var start = DateTimeOffset.UtcNow;
        return new
        {
            traceId,
            spans = new object[]
            {
                new { spanId = root, name = "GET /checkout", service = "shop", start, durationMs = childMs + 5, status = "ok" },
                new { spanId = NewSpanId(), parentSpanId = root, name = childName, service = "db", start = start.AddMilliseconds(1), durationMs = childMs, status, attributes = new Dictionary<string, object> { ["db.system"] = "postgresql" } },
            },
        };
    }

    /// <summary>Polls <c>GET /api/jobs/{id}</c> until the job is in <paramref name="state"/>; fails early on another terminal state.</summary>
    public async Task<JsonElement> WaitForJobAsync(Guid jobId, string state, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var response = await Api.GetAsync($"/api/jobs/{jobId}", cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement;
                var now = body.GetProperty("state").GetString();
                if (now == state)
                {
                    return body;
                }

                Assert.False(now is "succeeded" or "failed" or "dead", $"job {jobId} ended {now}, expected {state}: {body}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>The process ids of a resource's running replicas (or server nodes).</summary>
    public IReadOnlyList<int> ProcessIds(string resource) =>
        [.. App.ResourceNotifications.TryGet(resource)!.Replicas.Where(r => r.ProcessId is not null).Select(r => r.ProcessId!.Value)];

    /// <summary>Counts rows of a query's single bigint result.</summary>
    public async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Database);
        await connection.OpenAsync(cancellationToken);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await Nats.DisposeAsync();
        await App.DisposeAsync();
        await _builder.DisposeAsync();
    }
}
