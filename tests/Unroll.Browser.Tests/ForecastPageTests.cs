using Microsoft.Playwright;

namespace Unroll.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class ForecastPageTests(BrowserFixture fixture)
{
    private static string Stocks => Path.Combine(RepositoryRoot(), "data", "stocks.csv");

    [Fact]
    public async Task UploadedCsv_Trains_ThenShowsTheLossAForecastChartPerSeriesAndTheBacktest()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/forecast");
        await Assertions.Expect(page.Locator("#train")).ToBeEnabledAsync();
        await page.Locator("#file").SetInputFilesAsync(Stocks);
        await Assertions.Expect(page.Locator("#dataset")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^upload:"));
        Assert.Equal(5, await page.Locator("#data-info table tbody tr").CountAsync());

        await page.Locator("[data-option=hidden]").FillAsync("8");
        await page.Locator("[data-option=epochs]").FillAsync("15");
        await page.Locator("#train").ClickAsync();
        await page.Locator("#results").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 120_000 });

        // The loss chart: both lines drawn, with a point per epoch.
        var trainLine = await page.Locator("#loss path[data-series='training loss']").GetAttributeAsync("d");
        Assert.Equal(15, trainLine!.Count(c => c is 'M' or 'L'));
        Assert.Equal(1, await page.Locator("#loss path[data-series='validation loss']").CountAsync());
        Assert.Contains("Trained one lstm model on 5 series", await page.Locator("#status").TextContentAsync());

        // Every series: the report's forecast chart and the backtest against the baselines.
        var series = page.Locator("section.series");
        Assert.Equal(5, await series.CountAsync());
        foreach (var symbol in new[] { "MSFT", "AMZN", "IBM", "GOOG", "AAPL" })
        {
            var section = page.Locator($"section.series[data-symbol='{symbol}']");
            Assert.Equal(1, await section.Locator(".forecast-chart svg").CountAsync());
            Assert.Equal(1, await section.Locator("table.forecast-values tbody tr").CountAsync());
            foreach (var method in new[] { "model", "naive", "seasonal_naive", "theta", "ets" })
                Assert.Equal(1, await section.Locator($"table.scores tr[data-method='{method}']").CountAsync());
        }
        Assert.Equal(1, await page.Locator("#summary table.scores").CountAsync());
        Assert.Equal("stocks-lstm.safetensors", await page.Locator("#download").GetAttributeAsync("download"));

        await BrowserFixture.ScreenshotAsync(page, "forecast");
        Assert.Empty(fixture.Errors);
    }

    [Fact]
    public async Task Cancel_StopsTheTraining_AndTrainIsOfferedAgain()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/forecast");
        await Assertions.Expect(page.Locator("#train")).ToBeEnabledAsync();
        await page.Locator("#dataset").SelectOptionAsync("stocks.csv");
        await page.Locator("[data-option=hidden]").FillAsync("8");
        await page.Locator("[data-option=epochs]").FillAsync("3000");
        await page.Locator("[data-option=patience]").FillAsync("3000");    // no early stop: only cancel ends it
        await page.Locator("#train").ClickAsync();

        // Caught while training: at least ten epochs on the loss chart.
        await page.WaitForFunctionAsync("() => (document.querySelector(\"#loss path[data-series='training loss']\")?.getAttribute('d') ?? '').split('L').length > 10",
            null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"Epoch \d+ of 3000"));
        await Assertions.Expect(page.Locator("#cancel")).ToBeEnabledAsync();
        await BrowserFixture.ScreenshotAsync(page, "forecast-training");

        await page.Locator("#cancel").ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("Cancelled", new LocatorAssertionsToContainTextOptions { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#train")).ToBeEnabledAsync();
        await Assertions.Expect(page.Locator("#cancel")).ToBeDisabledAsync();
        Assert.True(await page.Locator("#results").IsHiddenAsync());
        Assert.Empty(fixture.Errors);
    }

    [Fact]
    public async Task BadUpload_ShowsTheOneLineError()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/forecast");
        await Assertions.Expect(page.Locator("#train")).ToBeEnabledAsync();
        await page.Locator("#file").SetInputFilesAsync(new FilePayload
        {
            Name = "names.csv",
            MimeType = "text/csv",
            Buffer = "date,name\n2020-01-01,a\n2020-01-02,b\n"u8.ToArray(),
        });
        await Assertions.Expect(page.Locator("#data-error")).ToContainTextAsync("names.csv, line 1: there is no numeric column to forecast");
        Assert.Equal("stocks.csv", await page.Locator("#dataset").InputValueAsync());
        Assert.Empty(fixture.Errors);
    }

    [Fact]
    public async Task AmericanSpreadsheetDates_AreRefusedNamingTheDateOrder_ThenReadOnceItIsChosen()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/forecast");
        await Assertions.Expect(page.Locator("#train")).ToBeEnabledAsync();
        var csv = new System.Text.StringBuilder("Date,Close\n");
        for (var day = new DateTime(2020, 1, 1); day < new DateTime(2020, 3, 1); day = day.AddDays(1))
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{day.Month}/{day.Day}/{day.Year},{100 + day.DayOfYear % 9}\n");
        var file = new FilePayload { Name = "us.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv.ToString()) };

        await page.Locator("#file").SetInputFilesAsync(file);
        await Assertions.Expect(page.Locator("#data-error")).ToContainTextAsync("--date-order mdy");

        await page.Locator("#date-order").SelectOptionAsync("mdy");
        await page.Locator("#resample").SelectOptionAsync("week");
        await page.Locator("#file").SetInputFilesAsync(file);
        await Assertions.Expect(page.Locator("#dataset")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^upload:"));
        await Assertions.Expect(page.Locator("#data-info")).ToContainTextAsync("2020-01-05");   // the first week's Sunday
        await Assertions.Expect(page.Locator("#data-info")).ToContainTextAsync("2020-03-01");
        Assert.Empty(fixture.Errors);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Unroll.sln"))) return dir.FullName;
        throw new InvalidOperationException("the repository root (Unroll.sln) is not above " + AppContext.BaseDirectory);
    }
}
