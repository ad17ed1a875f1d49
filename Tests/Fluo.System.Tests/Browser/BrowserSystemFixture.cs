using Fluo.SystemTests.Support;

namespace Fluo.SystemTests.Browser;

/// <summary>One system with two web replicas and one headless chromium, shared by the browser tests that do not break it.</summary>
public sealed class BrowserSystemFixture : IAsyncLifetime
{
    private FluoSystem? _system;
    private WebBrowser? _browser;

    /// <summary>The running system.</summary>
    public FluoSystem System => _system ?? throw new InvalidOperationException("Not started.");

    /// <summary>The browser.</summary>
    public WebBrowser Browser => _browser ?? throw new InvalidOperationException("Not started.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        _system = await WebBrowser.StartSystemAsync(webReplicas: 2, cts.Token);
        _browser = await WebBrowser.LaunchAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        if (_system is not null)
        {
            await _system.DisposeAsync();
        }
    }
}
