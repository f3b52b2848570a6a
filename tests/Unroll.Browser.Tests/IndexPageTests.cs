using Microsoft.Playwright;

namespace Unroll.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class IndexPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Index_LinksToEveryPage()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        foreach (var name in new[] { "example", "gradients", "gates", "forecast" })
            Assert.Equal(1, await page.Locator($"nav a[href='/{name}']").CountAsync());
        await BrowserFixture.ScreenshotAsync(page, "index");
        Assert.Empty(fixture.Errors);
    }
}
