using System.Globalization;
using Microsoft.Playwright;
using Unroll.Core;
using Unroll.Core.Analysis;

namespace Unroll.Browser.Tests;

/// <summary>
/// The worked example page in a real browser: what it shows must be the engine's numbers, computed here through the
/// library. The page starts with three days (low, medium, high) at w1 = 1.8, w2 = −0.5, w3 = 1.1, b1 = b2 = 0.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ExamplePageTests(BrowserFixture fixture)
{
    private static double EnginePrediction(double w2, params double[] days)
        => UnrolledTrace.Record(Examples.StatQuest<double>(1.8, w2, 1.1, 0, 0), days.Select(d => new[] { d }).ToList()).Prediction[0];

    private async Task<IPage> OpenAsync()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/example");
        await WaitForPredictionAsync(page, EnginePrediction(-0.5, 0, 0.5, 1));
        return page;
    }

    // Waits until #prediction holds the engine's value (to 1e-12), and checks the number shown agrees with it.
    private static async Task WaitForPredictionAsync(IPage page, double expected)
    {
        await page.WaitForFunctionAsync("v => Math.abs(Number(document.getElementById('prediction').dataset.value) - v) <= 1e-12 && document.getElementById('prediction').dataset.value !== ''", expected);
        var shown = (await page.Locator("#prediction").TextContentAsync())!.Replace('−', '-');
        Assert.Equal(expected, double.Parse(shown, CultureInfo.InvariantCulture), 1e-5);
    }

    [Fact]
    public async Task MovingW2_ShowsTheEnginesPredictionForThatWeight()
    {
        var page = await OpenAsync();
        Assert.Equal(3, await page.Locator("#drawing [data-copy]").CountAsync());
        await BrowserFixture.ScreenshotAsync(page, "example");

        await page.Locator("#slider-w2").FillAsync("-0.8");
        Assert.Equal("-0.8", await page.Locator("#field-w2").InputValueAsync());
        await WaitForPredictionAsync(page, EnginePrediction(-0.8, 0, 0.5, 1));

        await page.Locator("#field-w2").FillAsync("0.35");
        Assert.Equal("0.35", await page.Locator("#slider-w2").InputValueAsync());
        await WaitForPredictionAsync(page, EnginePrediction(0.35, 0, 0.5, 1));
        Assert.Contains("w2 = 0.35", await page.Locator("#drawing .legend").TextContentAsync());

        // A drag: many values in quick succession; the page ends showing the last one, never an older reply.
        foreach (var w2 in new[] { -1.0, -0.9, -0.7, -0.4, 0.1, 0.6, 1.2, -0.25 })
            await page.Locator("#slider-w2").FillAsync(w2.ToString(CultureInfo.InvariantCulture));
        await WaitForPredictionAsync(page, EnginePrediction(-0.25, 0, 0.5, 1));
        await page.WaitForTimeoutAsync(300);
        await WaitForPredictionAsync(page, EnginePrediction(-0.25, 0, 0.5, 1));
        Assert.Empty(fixture.Errors);
    }

    [Fact]
    public async Task OneStep_FromTheCurrentWeights_MovesThemAsTheLibrarysGradientDescentDoes()
    {
        var page = await OpenAsync();
        await page.Locator("#from").SelectOptionAsync("current");
        await page.Locator("#step-once").ClickAsync();
        await page.Locator("#gradients tbody tr[data-weight='w1']").WaitForAsync();

        var network = Examples.StatQuest<double>(1.8, -0.5, 1.1, 0, 0);
        Unroll.Core.Training.ExampleStep? step = null;
        Unroll.Core.Training.ExampleTraining.Train(network, 1, 0.05, s => step = s);
        await page.WaitForFunctionAsync("() => !document.getElementById('step-once').disabled");
        foreach (var (key, value) in new[] { ("w1", step!.W1), ("w2", step.W2), ("w3", step.W3), ("b1", step.B1), ("b2", step.B2) })
            Assert.Equal(value, double.Parse(await page.Locator("#field-" + key).InputValueAsync(), CultureInfo.InvariantCulture), 1e-4 * Math.Max(1e-3, Math.Abs(value)));
        Assert.Contains("step 1", await page.Locator("#train-status").TextContentAsync());
        Assert.Equal(1, await page.Locator("#loss-chart path[data-series]").CountAsync());
        Assert.Empty(fixture.Errors);
    }

    [Fact]
    public async Task AddingADay_DrawsAFourthCopy_AndRemovingItGoesBackToThree()
    {
        var page = await OpenAsync();
        await page.Locator("#add-day").ClickAsync();
        await page.Locator("#drawing [data-copy='4']").WaitForAsync();
        Assert.Equal(4, await page.Locator("#drawing [data-copy]").CountAsync());
        await WaitForPredictionAsync(page, EnginePrediction(-0.5, 0, 0.5, 1, 0.5));   // a new day is medium

        await page.Locator(".day[data-day='4'] button[data-level='high']").ClickAsync();
        await WaitForPredictionAsync(page, EnginePrediction(-0.5, 0, 0.5, 1, 1));

        await page.Locator(".day[data-day='1'] .remove").ClickAsync();
        // Day 1 is low (0), whose ReLU is off, so the prediction before and after removing it is the same number:
        // wait for the redrawn copies, not the prediction, to know the reply has been drawn.
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#drawing [data-copy]').length === 3");
        await WaitForPredictionAsync(page, EnginePrediction(-0.5, 0.5, 1, 1));
        Assert.Equal(3, await page.Locator("#drawing [data-copy]").CountAsync());
        Assert.Empty(fixture.Errors);
    }

    [Fact]
    public async Task Train_FromRandomWeights_TheLossFallsBelowOneHundredth_AndThePredictionsApproachTheTargets()
    {
        var page = await OpenAsync();
        Assert.Equal("random", await page.Locator("#from").InputValueAsync());
        await page.Locator("#run").ClickAsync();
        await page.WaitForFunctionAsync("() => Number(document.getElementById('train-status').dataset.loss) < 0.01", null,
            new PageWaitForFunctionOptions { Timeout = 60_000 });
        await page.WaitForFunctionAsync("() => document.getElementById('stop').disabled", null, new PageWaitForFunctionOptions { Timeout = 120_000 });
        Assert.Equal("", await page.Locator("#train-error").TextContentAsync());
        Assert.Equal("current", await page.Locator("#from").InputValueAsync());

        double[] targets = [0, 1, 0, 1];
        for (int s = 0; s < 4; s++)
        {
            var value = await page.Locator($"#scenarios tr[data-scenario='{s}'] td.prediction").GetAttributeAsync("data-value");
            Assert.InRange(double.Parse(value!, CultureInfo.InvariantCulture), targets[s] - 0.1, targets[s] + 0.1);
        }
        Assert.True(double.Parse((await page.Locator("#ssr").GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture) < 0.01);
        Assert.Equal(5, await page.Locator("#gradients tbody tr[data-weight]").CountAsync());
        Assert.Equal(1, await page.Locator("#loss-chart path[data-series]").CountAsync());
        await BrowserFixture.ScreenshotAsync(page, "example-trained");
        Assert.Empty(fixture.Errors);
    }
}
