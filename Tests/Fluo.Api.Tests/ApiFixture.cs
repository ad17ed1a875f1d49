using Fluo.Contracts;
using Fluo.Contracts.Messaging;
using Fluo.Nats;
using Fluo.Nats.JetStream;
using Fluo.Nats.KeyValue;
using Fluo.Testing.Nats;
using Fluo.Testing.Postgres;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Fluo.Api.Tests;

/// <summary>The Api in-process (WebApplicationFactory) on a real nats-server and a fresh PostgreSQL database.</summary>
public class ApiFixture : IAsyncLifetime
{
    private readonly PostgresFixture _postgres = new();
    private readonly IReadOnlyDictionary<string, string?> _extraSettings;
    private ApiFactory? _factory;
    private Dictionary<string, string?> _settings = [];

    /// <summary>The Api with its test settings.</summary>
    public ApiFixture()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <summary>The Api with its test settings and <paramref name="extraSettings"/> on top.</summary>
    protected ApiFixture(IReadOnlyDictionary<string, string?> extraSettings) => _extraSettings = extraSettings;

    public NatsServer Nats { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public IServiceProvider Services => _factory!.Services;

    /// <summary>The test's own connection (Fluo's JSON registry), for reading streams and standing in for the backend.</summary>
    public NatsConnection Connection { get; private set; } = null!;

    public NatsJSContext Js { get; private set; } = null!;

    public NatsKVContext Kv { get; private set; } = null!;

    public NpgsqlDataSource Db { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Nats = await NatsServer.StartAsync();
        await _postgres.InitializeAsync();
        _settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:nats"] = Nats.Url,
            ["ConnectionStrings:fluodb"] = _postgres.ConnectionString,
            ["Fluo:Api:BackendTimeout"] = "00:00:02",
            ["Fluo:Api:MaxRequestBytes"] = "65536",
            ["Fluo:Api:SseHeartbeat"] = "00:00:00.200",
        };
        foreach (var (key, value) in _extraSettings)
        {
            _settings[key] = value;
        }

        _factory = new ApiFactory(_settings);
        Client = _factory.CreateClient();
        await Services.GetRequiredService<FluoTopologyReady>().WaitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Connection = new NatsConnection(new NatsOpts { Url = Nats.Url, SerializerRegistry = FluoJsonContext.Registry });
        await Connection.ConnectAsync();
        Js = new NatsJSContext(Connection);
        Kv = new NatsKVContext(Js);
        Db = NpgsqlDataSource.Create(_postgres.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await Connection.DisposeAsync();
        await Db.DisposeAsync();
        await Nats.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    /// <summary>A second Api on the same NATS server and database (its own relay), as a replica behind a load balancer.</summary>
    public async Task<(HttpClient Client, IAsyncDisposable Replica)> StartReplicaAsync()
    {
        var replica = new ApiFactory(_settings);
        var client = replica.CreateClient();
        await replica.Services.GetRequiredService<FluoTopologyReady>().WaitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (client, replica);
    }

    public async Task<long> CountAsync(string table, string where = "true")
    {
        await using var command = Db.CreateCommand($"SELECT count(*) FROM {table} WHERE {where}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Row counts of every table the Api writes, to prove a refused request wrote nothing. The outbox is drained first:
    /// published rows leave it, so its count is stable only once every earlier row is published.
    /// </summary>
    public async Task<string> SnapshotAsync()
    {
        await WaitOutboxDrainedAsync();
        var counts = new List<string>();
        foreach (var table in new[] { "traces", "rules", "jobs", "exports", "outbox" })
        {
            counts.Add($"{table}={await CountAsync(table)}");
        }

        return string.Join(' ', counts);
    }

    public async Task WaitOutboxDrainedAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (await CountAsync("outbox") > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The outbox relay did not publish every row in time.");
            await Task.Delay(50);
        }
    }

    /// <summary>Every message in the JOBS stream (nobody consumes it in these tests).</summary>
    public async Task<List<StoredMsg>> JobMessagesAsync()
    {
        var info = await Js.GetStreamAsync(FluoTopology.JobsStream);
        var messages = new List<StoredMsg>();
        if (info.State.Messages == 0)
        {
            return messages;
        }

        for (var seq = info.State.FirstSeq; seq <= info.State.LastSeq; seq++)
        {
            try
            {
                messages.Add(await Js.GetMsgAsync(FluoTopology.JobsStream, new StreamMsgGetRequest { Seq = seq }));
            }
            catch (NatsJSApiException ex) when (ex.ErrorCode == NatsJSErrorCodes.NoMessageFound)
            {
                // Deleted.
            }
        }

        return messages;
    }

    private sealed class ApiFactory(Dictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override IHost CreateHost(IHostBuilder builder)
        {
            builder.ConfigureHostConfiguration(config => config.AddInMemoryCollection(settings));
            return base.CreateHost(builder);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
