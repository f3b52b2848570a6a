using System.Globalization;
using Microsoft.Playwright;

namespace Unroll.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class GradientsPageTests(BrowserFixture fixture)
{
    private static Task WaitForDrawAsync(IPage page, int count)
        => page.WaitForFunctionAsync($"() => Number(document.body.dataset.drawn || 0) >= {count}");

    private static async Task<int> DrawnAsync(IPage page) => int.Parse(await page.EvaluateAsync<string>("() => document.body.dataset.drawn || '0'"), CultureInfo.InvariantCulture);

    [Fact]
    public async Task Example_W2Of2_RedrawsTheChart_AndShowsW1TimesW2PowerTMinus1TimesW3()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/gradients");
        await WaitForDrawAsync(page, 1);
        var before = await page.Locator("#chart path[data-series]").First.GetAttributeAsync("d");

        await page.FillAsync("#steps", "30");
        await page.FillAsync("#w2", "2");
        await page.WaitForFunctionAsync("() => document.querySelector('#readout').textContent.includes('T = 30') && document.querySelector('#w2').value === '2' && document.querySelector('#description').textContent.includes('w2 = 2,')");

        var after = await page.Locator("#chart path[data-series]").First.GetAttributeAsync("d");
        Assert.NotEqual(before, after);
        double expected = 1.8 * Math.Pow(2, 29) * 1.1;
        foreach (var name in new[] { "measured-rnn_relu", "reference" })
        {
            var shown = await page.Locator($"#readout [data-name='{name}']").GetAttributeAsync("data-value");
            Assert.Equal(expected, double.Parse(shown!, CultureInfo.InvariantCulture));
        }
        Assert.Equal("6 4", await page.Locator("#chart path[data-series='|w1·w2^(T−1)·w3|']").GetAttributeAsync("stroke-dasharray"));
        Assert.Contains("It explodes.", await page.TextContentAsync("#verdicts"));
        Assert.Equal("2", await page.InputValueAsync("#w2-range"));

        await BrowserFixture.ScreenshotAsync(page, "gradients");
        Assert.Empty(fixture.Errors);
    }

    [Fact]
    public async Task Example_NegativeW2_SaysTheZeroInWords()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/gradients");
        await WaitForDrawAsync(page, 1);
        await page.FillAsync("#w2", "-1");
        await page.WaitForFunctionAsync("() => document.querySelector('#breaks').textContent.includes('exactly 0')");
        Assert.Contains("a log axis has no 0", await page.TextContentAsync("#breaks"));
        Assert.Empty(fixture.Errors);
    }

    [Fact]
    public async Task Compare_ShowsTheFourCellsSideBySide_WithTheirVerdicts()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/gradients");
        await WaitForDrawAsync(page, 1);
        await page.SelectOptionAsync("#mode", "compare");
        await page.FillAsync("#forget-bias", "3");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#small-charts svg').length === 4 && document.querySelector('#description').textContent.includes('set to 3')");

        var cells = await page.Locator("#small-charts svg").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.cell)");
        Assert.Equal(["rnn_relu", "rnn_tanh", "lstm", "gru"], cells);
        Assert.Equal(4, await page.Locator("#small-charts .verdict").CountAsync());
        Assert.Equal(4, await page.Locator("#verdicts li").CountAsync());
        Assert.Equal(4, await page.Locator("#chart path[data-series]").CountAsync());
        Assert.True(await page.Locator("#w2").IsHiddenAsync());

        await BrowserFixture.ScreenshotAsync(page, "gradients-compare");
        Assert.Empty(fixture.Errors);
    }

    [Fact]
    public async Task BadSteps_ShowsTheServersOneLine_AndTheNextGoodValueRedraws()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/gradients");
        await WaitForDrawAsync(page, 1);
        await page.FillAsync("#steps", "500");
        await page.WaitForFunctionAsync("() => document.querySelector('#error').textContent.includes('outside 1 to 200')");
        int drawn = await DrawnAsync(page);
        await page.FillAsync("#steps", "12");
        await WaitForDrawAsync(page, drawn + 1);
        await page.WaitForFunctionAsync("() => document.querySelector('#error').textContent === ''");
        Assert.Contains("T = 12", await page.TextContentAsync("#readout"));
        Assert.Empty(fixture.Errors);
    }
}
