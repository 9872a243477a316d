using Microsoft.Playwright;

namespace MlOps.Tests.AppHost;

/// <summary>
/// The Aspire dashboard as an operator sees it, in Debian's Chromium driven by Playwright: every resource running,
/// and one trace that crosses Ingestion and Validation. Screenshots land in TestResults/screenshots.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class DashboardTests(PlatformFixture platform) : IAsyncLifetime
{
    const string Chromium = "/usr/bin/chromium";
    IPlaywright? _playwright;
    IBrowser? _browser;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }

    async Task<IPage> LoggedInAsync()
    {
        var login = await platform.App.GetDashboardUrlAsync() ?? throw new InvalidOperationException("the dashboard has no URL");
        var page = await _browser!.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
        await page.GotoAsync(login.ToString());
        // The login page trades the token for a cookie and then leaves; another page opened before that would be the login form again.
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.OrdinalIgnoreCase), new() { Timeout = 30_000 });
        return page;
    }

    [Fact]
    public async Task The_resources_page_shows_every_service_and_both_servers_running()
    {
        await platform.WaitAllHealthyAsync();
        var page = await LoggedInAsync();
        await page.GotoAsync(new Uri(new Uri(page.Url), "/").ToString());
        foreach (var name in PlatformFixture.Services.Concat(PlatformFixture.Servers))
        {
            var row = page.Locator("fluent-data-grid-row, [role=row]").Filter(new() { HasText = name }).First;
            await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(row).ToContainTextAsync("Running", new() { Timeout = 30_000 });
        }
        await page.ScreenshotAsync(new() { Path = Screenshot("resources.png"), FullPage = true });
    }

    [Fact]
    public async Task The_traces_page_shows_one_trace_across_ingestion_and_validation()
    {
        await platform.WaitAllHealthyAsync();
        using var client = platform.Client("ingestion");
        var dataset = "traced-" + Guid.NewGuid().ToString("N")[..6];
        var id = await PlatformTests.PostAsync(client, dataset, "p,q\n1,2\n2,3\n");
        await PlatformTests.WaitDecidedAsync(client, dataset, id, TimeSpan.FromSeconds(60));

        var page = await LoggedInAsync();
        await page.GotoAsync(new Uri(new Uri(page.Url), "/traces").ToString());
        var trace = page.Locator("fluent-data-grid-row, [role=row]").Filter(new() { HasText = "ingestion" }).Filter(new() { HasText = "validation" }).First;
        await Assertions.Expect(trace).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.ScreenshotAsync(new() { Path = Screenshot("traces.png"), FullPage = true });
    }

    static string Screenshot(string name)
    {
        var dir = PlatformFixture.RepoFile("TestResults", "screenshots");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }
}
