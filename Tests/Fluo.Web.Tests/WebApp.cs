using System.Net;
using System.Text.RegularExpressions;
using Fluo.Testing;
using Fluo.Testing.Nats;
using Fluo.Testing.Postgres;
using Fluo.Web.Live;
using Fluo.Web.Users;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fluo.Web.Tests;

/// <summary>One Fluo.Web process on a real Kestrel port against a real nats-server and PostgreSQL.</summary>
public sealed partial class WebApp : IAsyncDisposable
{
    public const string AdminPassword = "Adm1n-pass!";
    private readonly WebApplicationFactory<Program> _factory;

    private WebApp(WebApplicationFactory<Program> factory, int port)
    {
        _factory = factory;
        BaseUri = new Uri($"http://127.0.0.1:{port}");
        WsUri = new Uri($"ws://127.0.0.1:{port}/ws");
    }

    public Uri BaseUri { get; }

    public Uri WsUri { get; }

    public IServiceProvider Services => _factory.Services;

    public LiveHub Hub => Services.GetRequiredService<LiveHub>();

    public static async Task<WebApp> StartAsync(string natsUrl, string dbConnectionString, IDictionary<string, string>? settings = null)
    {
        var port = FreePort.Next();
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:nats", natsUrl);
            b.UseSetting("ConnectionStrings:fluodb", dbConnectionString);
            b.UseSetting("Fluo:Web:AdminPassword", AdminPassword);
            b.UseSetting("Fluo:Web:Heartbeat", "00:00:02");
            b.UseSetting("Fluo:Web:AuthenticateTimeout", "00:00:06");
            b.UseSetting("Fluo:Web:MetricsInterval", "00:00:00.500");
            b.UseSetting("Fluo:Web:BackendTimeout", "00:00:00.500");
            b.UseSetting("Fluo:Web:ApiUrl", "http://127.0.0.1:9");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                b.UseSetting(key, value);
            }
        });
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        factory.StartServer();
        var app = new WebApp(factory, port);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.Services.GetRequiredService<UserSeeder>().Ready.WaitAsync(timeout.Token);
        await app.Services.GetRequiredService<LiveFeed>().Live.WaitAsync(timeout.Token);
        return app;
    }

    public async Task CreateUserAsync(string name, string password) =>
        await Services.GetRequiredService<UserStore>().CreateIfMissingAsync(name, password, isAdmin: false, CancellationToken.None);

    /// <summary>An HTTP client with its own cookie jar (no automatic redirects).</summary>
    public (HttpClient Client, CookieContainer Cookies) NewBrowser()
    {
        var cookies = new CookieContainer();
        var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        return (new HttpClient(handler) { BaseAddress = BaseUri }, cookies);
    }

    /// <summary>Signs in through the login form (antiforgery token from the page); returns the response.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string user, string password, bool withAntiforgery = true)
    {
        var page = await client.GetStringAsync("/login");
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        var form = new Dictionary<string, string> { ["UserName"] = user, ["Password"] = password };
        if (withAntiforgery)
        {
            form["__RequestVerificationToken"] = token;
        }

        return await client.PostAsync("/login", new FormUrlEncodedContent(form));
    }

    public async Task<(HttpClient Client, CookieContainer Cookies)> SignedInBrowserAsync(string user = "admin", string password = AdminPassword)
    {
        var browser = NewBrowser();
        using var response = await SignInAsync(browser.Client, user, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    public static partial Regex AntiforgeryField();

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();
}

/// <summary>
/// nats-server + PostgreSQL + one web app: shared by the tests of a class, or started by a test of its own
/// (<see cref="StartAsync"/>) that changes settings or stops the server.
/// </summary>
public sealed class WebFixture : IAsyncLifetime, IAsyncDisposable
{
    private readonly PostgresFixture _postgres = new();
    private IDictionary<string, string>? _settings;

    public NatsServer Nats { get; private set; } = null!;

    public WebApp App { get; private set; } = null!;

    public string DbConnectionString => _postgres.ConnectionString;

    /// <summary>Starts the three for one test, with <paramref name="settings"/> for the web app.</summary>
    public static async Task<WebFixture> StartAsync(IDictionary<string, string>? settings = null)
    {
        var fixture = new WebFixture { _settings = settings };
        await fixture.InitializeAsync();
        return fixture;
    }

    public async Task InitializeAsync()
    {
        Nats = await NatsServer.StartAsync();
        await _postgres.InitializeAsync();
        App = await WebApp.StartAsync(Nats.Url, _postgres.ConnectionString, _settings);
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Nats is not null)
        {
            await Nats.DisposeAsync();
        }

        await _postgres.DisposeAsync();
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();
}
