using System.Text.RegularExpressions;
using System.Xml.Linq;
using Unroll.Data;
using Unroll.Forecasting.Reports;

namespace Unroll.Forecasting.Tests;

/// <summary>Backtest results of two series of different lengths, with forecasts from each origin of their test period.</summary>
internal static class ReportFixtures
{
    public const string ShortSymbol = "B&B <\"Ltd\">";

    public static TimeSeries Series(string symbol, int n, DateOnly start, Func<int, double> value)
        => new(symbol, Enumerable.Range(0, n).Select(t => start.AddDays(t)).ToArray(), Enumerable.Range(0, n).Select(value).ToArray());

    /// <summary>
    /// A 40-point series "AAA" (test period from step 32) and a 12-point series <see cref="ShortSymbol"/> (from step 9),
    /// walked forward by <see cref="Backtester.Evaluate"/>: the baselines are the real ones and the model misses each
    /// actual value by ±0.5 (AAA) or ±0.25, alternating by step. The overall metrics are replaced by those given.
    /// </summary>
    public static BacktestResult Result(int horizon, Metrics model, Metrics? naive = null)
    {
        var a = Series("AAA", 40, new DateOnly(2024, 1, 1), t => 100 + 3 * Math.Sin(t / 3.0) + 0.2 * t);
        var b = Series(ShortSymbol, 12, new DateOnly(2024, 1, 20), t => 50 + (t % 3) - 0.5 * t);
        var data = new SeriesSet([a, b], "price", [], "prices.csv");
        var testStarts = new Dictionary<string, int> { [a.Symbol] = 32, [b.Symbol] = 9 };
        double[] Model(TimeSeries series, int origin, int steps)
        {
            double error = series.Symbol == a.Symbol ? 0.5 : 0.25;
            // The actual values, off by ±error: a model that peeks (past the last value, the last value repeated).
            return Enumerable.Range(origin, steps).Select(t => series.Values[Math.Min(t, series.Length - 1)])
                .Select((v, h) => v + (h % 2 == 0 ? error : -error)).ToArray();
        }
        var overall = new Dictionary<ForecastMethod, Metrics>
        {
            [ForecastMethod.Model] = model,
            [ForecastMethod.Naive] = naive ?? new Metrics(2.5, 3.0, 2.75, 1.0, 0, 30),
            [ForecastMethod.Drift] = new Metrics(2.6, 3.1, 2.8, 1.05, 0.5, 30),
            [ForecastMethod.MovingAverage] = new Metrics(2.7, 3.2, 2.9, 1.1, 0.4, 30),
        };
        return Backtester.Evaluate((series, origin, steps) => new Unroll.Forecasting.Methods.MethodForecast(Model(series, origin, steps), []),
            data, testStarts, horizon, null) with { Overall = overall };
    }

    public static ReportInfo Info(IReadOnlyList<TrainingProgress>? history = null) =>
        new("LSTM backtest", "prices.csv", [("cell", "lstm"), ("hidden", "32"), ("lookback", "12")]) { History = history ?? [] };

    public static IReadOnlyList<TrainingProgress> History(int epochs) => Enumerable.Range(1, epochs)
        .Select(e => new TrainingProgress(e, epochs, 1.0 / e, 1.2 / Math.Sqrt(e), 0.5, TimeSpan.FromSeconds(e), IsBest: e % 5 == 0))
        .ToArray();

    /// <summary>Every &lt;svg&gt;...&lt;/svg&gt; element of a page.</summary>
    public static IReadOnlyList<string> SvgElements(string html)
        => Regex.Matches(html, "<svg[\\s>][\\s\\S]*?</svg>").Select(m => m.Value).ToArray();
}

public sealed class BacktestReportContentTests
{
    private static readonly Metrics GoodModel = new(1.23456, 2.5, 3.25, 0.93, 0.625, 30);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Render_NamesEverySymbolAndMethod(int horizon)
    {
        var result = ReportFixtures.Result(horizon, GoodModel);
        string html = BacktestReport.Render(result, ReportFixtures.Info());

        Assert.Contains("<h2>AAA</h2>", html);
        Assert.Contains("<h2>B&amp;B &lt;&quot;Ltd&quot;&gt;</h2>", html);
        foreach (var method in result.Overall.Keys)
            Assert.Contains($"</span>{method.Name()}</td>", html);
        Assert.Contains("prices.csv", html);
        Assert.Contains(horizon == 1 ? "1 step ahead" : "3 steps ahead", html);
    }

    [Fact]
    public void Render_FormatsTheOverallMetricsAsShownAndBoldsTheBestPerColumn()
    {
        string html = BacktestReport.Render(ReportFixtures.Result(1, GoodModel), ReportFixtures.Info());

        // MAE 3 decimals, RMSE 3 decimals, MAPE 2, MASE 3, direction % 1, points as an integer (never bold).
        // The model is best on all but MAPE, where the naive forecast's 2.75 wins.
        Assert.Contains("</span>model</td><td><b>1.235</b></td><td><b>2.500</b></td><td>3.25</td><td><b>0.930</b></td><td><b>62.5</b></td><td>30</td>", html);
        Assert.Contains("</span>naive</td><td>2.500</td><td>3.000</td><td><b>2.75</b></td><td>1.000</td><td>0.0</td><td>30</td>", html);
    }

    [Fact]
    public void Render_BoldsEachColumnsBestWhereverItIs()
    {
        var model = new Metrics(3.5, 2.5, 3.25, 1.2, 0.3, 30);
        string html = BacktestReport.Render(ReportFixtures.Result(1, model), ReportFixtures.Info());

        // Lowest MAE and MASE are the naive forecast's; highest direction is drift's 50.0.
        Assert.Contains("</span>model</td><td>3.500</td><td><b>2.500</b></td><td>3.25</td><td>1.200</td><td>30.0</td>", html);
        Assert.Contains("</span>naive</td><td><b>2.500</b></td><td>3.000</td><td><b>2.75</b></td><td><b>1.000</b></td><td>0.0</td>", html);
        Assert.Contains("</span>drift</td><td>2.600</td><td>3.100</td><td>2.80</td><td>1.050</td><td><b>50.0</b></td>", html);
    }

    [Theory]
    [InlineData(1234.56, "1,234.6")]
    [InlineData(12.3456, "12.346")]
    [InlineData(0.012345, "0.0123")]
    [InlineData(0, "0.000")]
    [InlineData(double.NaN, "n/a")]
    public void Render_FormatsErrorsInSeriesUnitsByMagnitude(double mae, string shown)
    {
        var model = new Metrics(mae, 2.5, 3.25, 0.93, 0.625, 30);
        string html = BacktestReport.Render(ReportFixtures.Result(1, model), ReportFixtures.Info());

        Assert.Matches($"</span>model</td><td>(<b>)?{Regex.Escape(shown)}(</b>)?</td>", html);
    }

    [Fact]
    public void Verdict_ModelBetterThanNaive_SaysByHowMuch()
    {
        string html = BacktestReport.Render(ReportFixtures.Result(1, GoodModel), ReportFixtures.Info());

        // The command line's verdict, word for word (NaiveComparison.Verdict).
        Assert.Contains("<p class=\"verdict good\">Overall, one step ahead, the model&#39;s MASE is 0.93 against the naive forecast&#39;s 1: it beats guessing the last value by 7%.</p>", html);
        Assert.DoesNotContain("does not beat", html);
    }

    [Fact]
    public void Verdict_ModelWorseThanNaive_SaysDoesNotBeat()
    {
        var model = new Metrics(3.0, 3.5, 3.1, 1.12, 0.55, 30);
        string html = BacktestReport.Render(ReportFixtures.Result(1, model), ReportFixtures.Info());

        Assert.Contains("<p class=\"verdict bad\">Overall, one step ahead, the model&#39;s MASE is 1.12 against the naive forecast&#39;s 1: it does not beat guessing the last value.</p>", html);
        Assert.DoesNotContain("it beats", html);
    }

    [Fact]
    public void Verdict_MaseNotComputed_GivesNoVerdict()
    {
        var model = new Metrics(3.0, 3.5, 3.1, double.NaN, 0.55, 30);
        string html = BacktestReport.Render(ReportFixtures.Result(3, model), ReportFixtures.Info());

        Assert.Contains("<p class=\"verdict bad\">Too few test points to compare the model with the naive forecast.</p>", html);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Render_EverySvgParsesAsXml(int horizon)
    {
        string html = BacktestReport.Render(ReportFixtures.Result(horizon, GoodModel), ReportFixtures.Info(ReportFixtures.History(40)));

        var svgs = ReportFixtures.SvgElements(html);
        // AAA (40 points, 8 in the test period): history, close-up, errors; B&B (12 points, 3 in the test period) is short
        // enough that its history is its close-up: history, errors; then the loss chart.
        Assert.Equal(6, svgs.Count);
        foreach (string svg in svgs)
        {
            var root = XDocument.Parse(svg).Root!;
            Assert.Equal("svg", root.Name.LocalName);
            Assert.Equal("100%", (string?)root.Attribute("width"));
            Assert.NotNull(root.Attribute("viewBox"));
        }
    }

    [Fact]
    public void Render_EscapesMarkupInSymbolsTitlesAndSettings()
    {
        var info = new ReportInfo("<script>alert(1)</script> & co", "a\"b'<c>.csv", [("note", "x < y & \"z\"")]);
        string html = BacktestReport.Render(ReportFixtures.Result(1, GoodModel), info);

        Assert.DoesNotContain("<script", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co", html);
        Assert.Contains("a&quot;b&#39;&lt;c&gt;.csv", html);
        Assert.Contains("x &lt; y &amp; &quot;z&quot;", html);
        Assert.DoesNotContain(ReportFixtures.ShortSymbol, html);
        // The symbol survives the round trip through the chart's XML unchanged.
        var titles = ReportFixtures.SvgElements(html).Select(s => XDocument.Parse(s).Root!.Elements().First(e => e.Name.LocalName == "title").Value);
        Assert.Contains(titles, t => t.StartsWith(ReportFixtures.ShortSymbol + ": actual values", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_IsSelfContained()
    {
        string html = BacktestReport.Render(ReportFixtures.Result(3, GoodModel), ReportFixtures.Info(ReportFixtures.History(10)));

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        // The only URL is the SVG namespace name, which nothing fetches.
        Assert.DoesNotContain(Regex.Matches(html, "https?://"), m => string.CompareOrdinal(html, m.Index, "http://www.w3.org/2000/svg", 0, 26) != 0);
    }

    [Fact]
    public void Render_InlinesTheStyleSheetFromItsResource()
    {
        string html = BacktestReport.Render(ReportFixtures.Result(1, GoodModel), ReportFixtures.Info());

        using var stream = typeof(BacktestReport).Assembly.GetManifestResourceStream("Unroll.Forecasting.Reports.report.css")!;
        string css = new StreamReader(stream).ReadToEnd();
        Assert.StartsWith(":root { color-scheme: light; }\n", css);
        Assert.Contains("<style>\n" + css + "</style>\n</head>", html);
        Assert.Contains("p.verdict.good {", css);
    }

    [Fact]
    public void Render_TestPeriodAndHorizonAreStated()
    {
        string html = BacktestReport.Render(ReportFixtures.Result(3, GoodModel), ReportFixtures.Info());

        // AAA's test period starts at step 32 (2024-02-02) and B&B's at step 9 (2024-01-29); the later ends 2024-02-09.
        Assert.Contains("(2024-01-29 to 2024-02-09)", html);
        Assert.Contains("2024-02-02 to 2024-02-09", html);
        Assert.Contains("the first step of each 3-step forecast", html);
    }

    [Fact]
    public void Render_WithoutHistory_HasNoTrainingChart()
    {
        string html = BacktestReport.Render(ReportFixtures.Result(1, GoodModel), ReportFixtures.Info());

        Assert.DoesNotContain("id=\"training\"", html);
        Assert.Equal(5, ReportFixtures.SvgElements(html).Count);
    }

    [Fact]
    public void Render_WithHistory_DrawsLossOnALogAxisAndMarksTheBestEpoch()
    {
        string html = BacktestReport.Render(ReportFixtures.Result(1, GoodModel), ReportFixtures.Info(ReportFixtures.History(40)));

        var loss = XDocument.Parse(ReportFixtures.SvgElements(html)[^1]).Root!;
        var texts = loss.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        Assert.Contains("training loss", texts);
        Assert.Contains("validation loss", texts);
        Assert.Contains("best epoch 40", texts);
        Assert.Contains("0.1", texts); // a decade tick: the training loss runs from 1 down to 0.025
        Assert.Contains("1", texts);
    }

    [Fact]
    public void Render_LossWithinADecade_IsDrawnOnALinearAxisThatSpreadsIt()
    {
        // Training loss from 1.6 down to 1.1 and validation loss near 1.15: on a 1-to-10 log axis this was a flat line.
        var history = Enumerable.Range(1, 20)
            .Select(e => new TrainingProgress(e, 20, 1.1 + 0.5 / e, 1.15 + 0.02 * Math.Sin(e), 0.5, TimeSpan.FromSeconds(e), IsBest: e == 7))
            .ToArray();
        string html = BacktestReport.Render(ReportFixtures.Result(1, GoodModel), ReportFixtures.Info(history));

        var loss = XDocument.Parse(ReportFixtures.SvgElements(html)[^1]).Root!;
        var texts = loss.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        Assert.Contains("loss (scaled units)", texts);
        Assert.DoesNotContain(texts, t => t.Contains("log scale", StringComparison.Ordinal));
        Assert.DoesNotContain("Loss per epoch on a log scale", html);
        Assert.Contains("<figcaption>Loss per epoch; the weights of epoch 7", html);
        // The y ticks are fifths of one around the data, not the decades 1 and 10.
        var yLabels = loss.Elements().Single(e => e.Name.LocalName == "g" && (string?)e.Attribute("text-anchor") == "end").Elements().Select(e => e.Value);
        Assert.Equal(["1.0", "1.2", "1.4", "1.6"], yLabels);

        // The curve fills the plot: its points span most of the axis' height.
        var axes = loss.Elements().Single(e => e.Name.LocalName == "path" && ((string?)e.Attribute("d"))!.Contains('V')).Attribute("d")!.Value;
        var frame = axes.TrimStart('M').Split(' ', 'V', 'H').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var training = loss.Elements().Where(e => e.Name.LocalName == "g" && (string?)e.Attribute("fill") == "#1f6fd1").Single()
            .Elements().Select(c => (double)c.Attribute("cy")!).ToArray();
        Assert.True(training.Max() - training.Min() > 0.6 * (frame[2] - frame[1]), "the training loss should span most of the plot's height");
    }

    [Fact]
    public void Render_LossOverManyDecades_KeepsTheLogAxis()
    {
        string html = BacktestReport.Render(ReportFixtures.Result(1, GoodModel), ReportFixtures.Info(ReportFixtures.History(40)));

        var loss = XDocument.Parse(ReportFixtures.SvgElements(html)[^1]).Root!;
        Assert.Contains(loss.Descendants(), e => e.Name.LocalName == "text" && e.Value == "loss (scaled units, log scale)");
        Assert.Contains("<figcaption>Loss per epoch on a log scale", html);
    }
}

public sealed class BacktestReportWriteTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "unroll-report-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Write_CreatesTheFolderAndIndexHtml()
    {
        string target = Path.Combine(_folder, "nested", "report");
        var result = ReportFixtures.Result(1, new Metrics(1, 1, 1, 0.9, 0.5, 30));

        BacktestReport.Write(result, ReportFixtures.Info(), target);

        string written = File.ReadAllText(Path.Combine(target, "index.html"));
        Assert.Equal(BacktestReport.Render(result, ReportFixtures.Info()), written);
        Assert.Equal([BacktestReport.MarkerFileName, "index.html"], Directory.GetFiles(target).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Write_LeavesOtherFilesUntouchedAndReplacesTheOldReport()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, BacktestReport.MarkerFileName), "an earlier report");
        string other = Path.Combine(_folder, "model.safetensors");
        File.WriteAllText(other, "keep me");
        var stamp = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(other, stamp);
        File.WriteAllText(Path.Combine(_folder, "index.html"), "old report");

        BacktestReport.Write(ReportFixtures.Result(3, new Metrics(1, 1, 1, 0.9, 0.5, 30)), ReportFixtures.Info(), _folder);

        Assert.Equal("keep me", File.ReadAllText(other));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(other));
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(Path.Combine(_folder, "index.html")));
        Assert.Equal([BacktestReport.MarkerFileName, "index.html", "model.safetensors"], Directory.GetFiles(_folder).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Write_FolderOfOtherFilesWithoutAReportMarker_IsRefusedAndLeftAsItWas()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, "index.html"), "the user's own page");
        var e = Assert.Throws<IOException>(() => BacktestReport.Write(ReportFixtures.Result(1, new Metrics(1, 1, 1, 0.9, 0.5, 30)), ReportFixtures.Info(), _folder));
        Assert.Contains("did not write (index.html)", e.Message);
        Assert.Equal("the user's own page", File.ReadAllText(Path.Combine(_folder, "index.html")));
        Assert.Equal(["index.html"], Directory.GetFiles(_folder).Select(f => Path.GetFileName(f)));
    }
}
