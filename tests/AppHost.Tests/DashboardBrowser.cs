using Microsoft.Playwright;

namespace MlOps.Tests.AppHost;

/// <summary>Debian's Chromium driven by Playwright, logged in to the platform's Aspire dashboard.</summary>
public sealed class DashboardBrowser(PlatformFixture platform) : IAsyncDisposable
{
    IPlaywright? _playwright;
    IBrowser? _browser;

    public async Task<IPage> OpenAsync(string path)
    {
        _playwright ??= await Playwright.CreateAsync();
        _browser ??= await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        var login = await platform.App.GetDashboardUrlAsync() ?? throw new InvalidOperationException("the dashboard has no URL");
        var page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
        await page.GotoAsync(login.ToString());
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.OrdinalIgnoreCase), new() { Timeout = 30_000 });
        await page.GotoAsync(new Uri(new Uri(page.Url), path).ToString());
        return page;
    }

    /// <summary>A grid row of the dashboard that contains every one of <paramref name="texts"/>.</summary>
    public static ILocator Row(IPage page, params string[] texts)
    {
        var row = page.Locator("fluent-data-grid-row, [role=row]");
        foreach (var text in texts)
            row = row.Filter(new() { HasText = text });
        return row.First;
    }

    public static string Screenshot(string name)
    {
        var dir = PlatformFixture.RepoFile("TestResults", "screenshots");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
