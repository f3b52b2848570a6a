using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Unroll.Cli.Serve;

namespace Unroll.Browser.Tests;

/// <summary>
/// One `unroll serve` on a free loopback port and one headless Chromium (Debian's, at /usr/bin/chromium or
/// $UNROLL_CHROMIUM) for every browser test; each test opens its own context, so cookies and sessions never leak.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private WebApplication? _app;
    private IPlaywright? _playwright;

    /// <summary>The server's address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Address { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: TestResults/screenshots at the repository root (kept as test artifacts).</summary>
    public static string Screenshots { get; } = Path.Combine(RepositoryRoot(), "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("UNROLL_CHROMIUM") is { Length: > 0 } set ? set : "/usr/bin/chromium";
        if (!File.Exists(chromium))
            throw new InvalidOperationException($"the browser tests need Chromium at {chromium}: install it with 'apt-get install -y chromium' (.ci/run does), or point UNROLL_CHROMIUM at a Chromium binary");
        (_app, Address) = await ServeApp.StartAsync(new ServeOptions(Port: 0));
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],   // root in CI has no sandbox; containers have a small /dev/shm
        });
        Directory.CreateDirectory(Screenshots);
    }

    /// <summary>A fresh page (its own cookies, so its own session) at <paramref name="width"/>×900 (1280 unless given),
    /// failing the test on any script error.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 }, BaseURL = Address.ToString() });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        page.PageError += (_, message) => { lock (Errors) Errors.Add($"{page.Url}: {message}"); };
        return page;
    }

    /// <summary>Uncaught script errors seen on any page; tests assert it stays empty.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Saves a full-page screenshot as TestResults/screenshots/<paramref name="name"/>.png.</summary>
    public static Task ScreenshotAsync(IPage page, string name)
        => page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Unroll.sln"))) return dir.FullName;
        return AppContext.BaseDirectory;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
