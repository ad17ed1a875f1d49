using System.Text.RegularExpressions;
using Fluo.Hosting.Orchestration;
using Fluo.SystemTests.Support;
using Microsoft.Playwright;

namespace Fluo.SystemTests.Browser;

/// <summary>
/// Headless Debian chromium (never a downloaded browser) driving the web replicas of a running <see cref="FluoSystem"/>:
/// sign-in, page helpers and screenshots under <c>Tests/Fluo.System.Tests/TestResults/screenshots</c>.
/// </summary>
public sealed partial class WebBrowser : IAsyncDisposable
{
    /// <summary>The admin password given to the AppHost parameter <c>web-admin-password</c>.</summary>
    public const string AdminPassword = "Br0wser-admin!";

    private const string Chromium = "/usr/bin/chromium";
    private readonly IPlaywright _playwright;

    private WebBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    /// <summary>The browser.</summary>
    public IBrowser Browser { get; }

    /// <summary>Where screenshots go (a gitignored test artifact).</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(RepoRoot(), "Tests", "Fluo.System.Tests", "TestResults", "screenshots");

    /// <summary>Starts the system with the admin password set and <paramref name="webReplicas"/> web processes.</summary>
    public static Task<FluoSystem> StartSystemAsync(int webReplicas, CancellationToken cancellationToken) =>
        FluoSystem.StartAsync(builder =>
        {
            builder.Configuration["Parameters:web-admin-password"] = AdminPassword;
            ((Fluo.Hosting.ApplicationModel.ProjectResource)builder.Resources.Single(r => r.Name == "web")).Replicas = webReplicas;
        }, cancellationToken);

    /// <summary>Launches headless chromium.</summary>
    public static async Task<WebBrowser> LaunchAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing; eng/install-prerequisites.sh installs it.");
        Directory.CreateDirectory(ScreenshotDirectory);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        return new WebBrowser(playwright, browser);
    }

    /// <summary>A new browser context (own cookies) signed in as admin on web replica <paramref name="replica"/>, on the Overview.</summary>
    public async Task<IPage> SignedInPageAsync(FluoSystem system, int replica = 0)
    {
        ArgumentNullException.ThrowIfNull(system);
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 }, BaseURL = system.App.GetEndpoint("web", replica).ToString() });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        page.PageError += (_, e) => Errors.Add(e);
        await page.GotoAsync("/login");
        for (var attempt = 1; ; attempt++)
        {
            await page.Locator("#UserName").FillAsync("admin");
            await page.Locator("#Password").FillAsync(AdminPassword);
            await page.Locator("form button[type=submit]").ClickAsync();
            try
            {
                // Polled, not WaitForURLAsync: that call checks the URL and then subscribes to `load`, and can miss the event
                // in between (microsoft/playwright-dotnet#3364); one CI run timed out on the Overview that way.
                await Assertions.Expect(page).ToHaveURLAsync(Root(), new() { Timeout = 30_000 });
                break;
            }
            catch (PlaywrightException ex)
            {
                // Still on the sign-in page after 30 s, as one CI run and one local run saw with two systems under test at once: a
                // replica may still be creating its tables ("try again shortly"). Sign in again, as a person would; say
                // what the page shows if that does not help either.
                var shown = await page.Locator("main").InnerTextAsync(new() { Timeout = 5_000 });
                if (attempt == 3 || !page.Url.Contains("/login", StringComparison.OrdinalIgnoreCase))
                {
                    throw new TimeoutException($"Signing in on web replica {replica} did not reach the Overview ({attempt} attempts); {page.Url} shows: {shown}", ex);
                }
            }
        }

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Overview");
        return page;
    }

    /// <summary>Script errors seen on any page.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Waits for the header indicator to read <paramref name="text"/> (a prefix: "Reconnecting" matches "Reconnecting (2)").</summary>
    public static Task ExpectStatusAsync(IPage page, string text, int timeoutMs = 30_000) =>
        Assertions.Expect(page.Locator("#live-status")).ToHaveTextAsync(new Regex("^" + Regex.Escape(text)), new() { Timeout = timeoutMs });

    /// <summary>Marks the page so a later check can tell it was not reloaded.</summary>
    public static Task MarkAsync(IPage page) => page.EvaluateAsync("window.fluoNotReloaded = true");

    /// <summary>Whether the page still has the mark (it was updated in place, not reloaded).</summary>
    public static Task<bool> NotReloadedAsync(IPage page) => page.EvaluateAsync<bool>("window.fluoNotReloaded === true");

    /// <summary>Saves a full-page screenshot named <paramref name="name"/>.png.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 5_000, $"screenshot {name} is empty");
    }

    /// <summary>Stops or starts a resource as the dashboard's resource commands do, and waits for the action to end.</summary>
    public static async Task ExecuteAsync(FluoSystem system, string resource, ResourceAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(system);
        var (outcome, completion) = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<ResourceCommandService>(system.App.Services).Execute(resource, action);
        Assert.Equal(ResourceActionOutcome.Accepted, outcome);
        await completion.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }

    [GeneratedRegex(@"/$")]
    private static partial Regex Root();

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fluo.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Fluo.sln not found above " + AppContext.BaseDirectory);
    }
}
