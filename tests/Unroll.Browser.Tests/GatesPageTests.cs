using System.Globalization;
using Microsoft.Playwright;
using Unroll.Core;
using Unroll.Core.Analysis;
using Unroll.Core.Io;

namespace Unroll.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class GatesPageTests(BrowserFixture fixture)
{
    private static double Parse(string? text) => double.Parse(text!, CultureInfo.InvariantCulture);

    [Fact]
    public async Task BundledLstm_ShowsAHeatMapOfEveryGate_WithTheEnginesNumbers()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/gates");
        await page.WaitForFunctionAsync("() => Number(document.body.dataset.drawn || 0) >= 1 && document.querySelectorAll('rect.cell').length > 0");

        // 4 steps × (i, f, g, o, c, h)
        Assert.Equal(24, await page.Locator("svg.heatmap rect.cell").CountAsync());
        var trace = UnrolledTrace.Record(Examples.Lstm<double>(), Examples.CompanyA.Select(x => new[] { x }).ToList());
        var steps = trace.Layers[0];
        var expected = new Dictionary<string, double[]>
        {
            ["i"] = steps.Select(s => s.Gates[0]).ToArray(),
            ["f"] = steps.Select(s => s.Gates[1]).ToArray(),
            ["g"] = steps.Select(s => s.Gates[2]).ToArray(),
            ["o"] = steps.Select(s => s.Gates[3]).ToArray(),
            ["c"] = steps.Select(s => s.Cell![0]).ToArray(),
            ["h"] = steps.Select(s => s.Hidden[0]).ToArray(),
        };
        foreach (var (row, values) in expected)
        {
            var shown = await page.Locator($"table.gate-numbers tr[data-row='{row}'] td[data-value]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.value)");
            Assert.Equal(values, shown.Select(Parse).ToArray());
            var cells = await page.Locator($"svg.heatmap rect.cell[data-row='{row}']").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.value)");
            Assert.Equal(values, cells.Select(Parse).ToArray());
        }
        Assert.Equal(trace.Prediction[0], Parse(await page.Locator("#prediction").GetAttributeAsync("data-value")));
        Assert.Equal(1, await page.Locator("svg.legend").CountAsync());
        Assert.StartsWith("The bundled one-unit LSTM: lstm,", (await page.Locator("#prediction").EvaluateAsync<string>("b => b.parentElement.textContent"))!.Trim());

        await BrowserFixture.ScreenshotAsync(page, "gates");

        // company B and the GRU redraw from the server
        await page.ClickAsync("#company-b");
        await page.WaitForFunctionAsync("() => document.querySelector('table.gate-numbers tr td:nth-child(2)').textContent === '1'");
        Assert.InRange(Parse(await page.Locator("#prediction").GetAttributeAsync("data-value")), 0.95, 1.05);
        await page.SelectOptionAsync("#model", "gru");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('svg.heatmap rect.cell').length === 16");
        Assert.Empty(fixture.Errors);
    }

    [Fact]
    public async Task Upload_ASafetensorsModel_ShowsOneRowPerGateUnit()
    {
        var folder = Directory.CreateTempSubdirectory("unroll-gates-page-");
        try
        {
            var network = RecurrentNetwork<double>.Create(new NetworkShape(CellKind.Gru, 2, 3), 11);
            var path = Path.Combine(folder.FullName, "my-gru.safetensors");
            ModelFile.Save(network, path);
            var page = await fixture.NewPageAsync();
            await page.GotoAsync("/gates");
            await page.WaitForFunctionAsync("() => Number(document.body.dataset.drawn || 0) >= 1");
            await page.SetInputFilesAsync("#file", path);
            await page.WaitForFunctionAsync("() => document.querySelector('#model').value === 'upload' && document.querySelectorAll('svg.heatmap rect.cell').length === 4 * 4 * 3");
            Assert.Contains("my-gru.safetensors", await page.TextContentAsync("#result"));

            var trace = UnrolledTrace.Record(network, Enumerable.Range(0, 4).Select(t => new[] { Examples.CompanyA[t], Examples.CompanyA[t] }).ToList());
            var z2 = await page.Locator("table.gate-numbers tr[data-row='z[2]'] td[data-value]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.value)");
            Assert.Equal(trace.Layers[0].Select(s => s.Gates[1 * 3 + 2]).ToArray(), z2.Select(Parse).ToArray());

            // a step with the wrong width is refused by the server in one line
            await page.FillAsync("#sequence", "1 2; 3");
            await page.WaitForFunctionAsync("() => document.querySelector('#error').textContent.includes('step 2 has 1 number')");
            await BrowserFixture.ScreenshotAsync(page, "gates-upload-error");
            await page.FillAsync("#sequence", "1 2; 3 4");
            await page.WaitForFunctionAsync("() => document.querySelector('#error').textContent === '' && document.querySelectorAll('svg.heatmap rect.cell').length === 2 * 4 * 3");
            await BrowserFixture.ScreenshotAsync(page, "gates-upload");
            Assert.Empty(fixture.Errors);
        }
        finally { folder.Delete(recursive: true); }
    }
}
