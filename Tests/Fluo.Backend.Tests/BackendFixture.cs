using Fluo.Backend.Hosting;
using Fluo.Contracts;
using Fluo.Nats;
using Fluo.Nats.Services;
using Fluo.Testing.Nats;
using Fluo.Testing.Postgres;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Fluo.Backend.Tests;

/// <summary>
/// One real nats-server and one fluodb on a real PostgreSQL, with the Backend's own <c>Program</c> running
/// in-process against them (WebApplicationFactory), a plain NATS client speaking Fluo's JSON and a data source to
/// seed rows the way the Api writes them.
/// </summary>
public sealed class BackendFixture : IAsyncLifetime
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly PostgresFixture _postgres = new();
    private NatsServer? _nats;
    private BackendFactory? _factory;
    private NatsConnection? _client;
    private NpgsqlDataSource? _db;

    public NatsServer Nats => _nats!;

    public PostgresServer Postgres => _postgres.Server;

    public string DatabaseConnectionString => _postgres.ConnectionString;

    public WebApplicationFactory<Program> Factory => _factory!;

    public NatsConnection Client => _client!;

    public NpgsqlDataSource Db => _db!;

    public async Task InitializeAsync()
    {
        var nats = NatsServer.StartAsync();
        await _postgres.InitializeAsync();
        _nats = await nats;
        _factory = new BackendFactory(_nats.Url, _postgres.ConnectionString);
        await _factory.Services.GetRequiredService<BackendReady>().WaitAsync().WaitAsync(Wait);
        _client = await ConnectClientAsync(_nats.Url);
        _db = NpgsqlDataSource.Create(_postgres.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_db is not null)
        {
            await _db.DisposeAsync();
        }

        if (_nats is not null)
        {
            await _nats.DisposeAsync();
        }

        await _postgres.DisposeAsync();
    }

    /// <summary>A plain Fluo.Nats client with Fluo's JSON registry.</summary>
    public static async Task<NatsConnection> ConnectClientAsync(string url)
    {
        var client = new NatsConnection(new NatsOpts { Url = url, SerializerRegistry = FluoJsonContext.Registry, RequestTimeout = TimeSpan.FromSeconds(15) });
        await client.ConnectAsync();
        return client;
    }

    private sealed class BackendFactory(string natsUrl, string fluodb) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:nats", natsUrl);
            builder.UseSetting("ConnectionStrings:fluodb", fluodb);
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BackendCollection : ICollectionFixture<BackendFixture>
{
    public const string Name = "backend";
}

/// <summary>Requests to the backend and what its replies say.</summary>
internal static class Backend
{
    /// <summary>Sends a request and returns the reply, whatever it is.</summary>
    public static async Task<NatsMsg<TReply>> SendAsync<TRequest, TReply>(this NatsConnection client, string subject, TRequest request) =>
        await client.RequestAsync<TRequest, TReply>(subject, request);

    /// <summary>Sends a request and returns the reply's data, failing the test on a service error.</summary>
    public static async Task<TReply> AskAsync<TRequest, TReply>(this NatsConnection client, string subject, TRequest request)
    {
        var reply = await client.SendAsync<TRequest, TReply>(subject, request);
        Assert.True(reply.Headers?[NatsSvcHeaders.ErrorCode].ToString() is null or "",
            $"{subject} answered {reply.Headers?[NatsSvcHeaders.ErrorCode]}: {reply.Headers?[NatsSvcHeaders.Error]}");
        return reply.Data!;
    }

    /// <summary>Sends a request that must fail and returns the service error's code and description.</summary>
    public static async Task<(int Code, string Message)> FailAsync<TRequest>(this NatsConnection client, string subject, TRequest request)
    {
        var reply = await client.SendAsync<TRequest, string>(subject, request);
        Assert.NotNull(reply.Headers);
        Assert.True(reply.Headers.TryGetValue(NatsSvcHeaders.ErrorCode, out var code), $"{subject} answered without {NatsSvcHeaders.ErrorCode}");
        return (int.Parse(code.ToString(), System.Globalization.CultureInfo.InvariantCulture), reply.Headers[NatsSvcHeaders.Error].ToString());
    }

    /// <summary>The next message of a subscription, or a timeout failure.</summary>
    public static async Task<NatsMsg<T>> NextAsync<T>(this INatsSub<T> sub)
    {
        using var cts = new CancellationTokenSource(BackendFixture.Wait);
        return await sub.Msgs.ReadAsync(cts.Token);
    }
}
