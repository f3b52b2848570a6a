using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Unroll.Charts;
using Unroll.Data;
using Unroll.Forecasting.Reports;

namespace Unroll.Forecasting.Tests;

/// <summary>Backtest results of two series of different lengths, with forecasts from each origin of their test period.</summary>
internal static class ReportFixtures
{
    public const string ShortSymbol = "B&B <\"Ltd\">";

    public static TimeSeries Series(string symbol, int n, DateTime start, Func<int, double> value)
        => new(symbol, Enumerable.Range(0, n).Select(t => start.AddDays(t)).ToArray(), Enumerable.Range(0, n).Select(value).ToArray());

    /// <summary>The model's interval half-widths, as multiples of its error: the 80% interval (0.8 × the error) misses
    /// every actual value, the 95% one (2 × the error) holds every one.</summary>
    public const double Half80 = 0.8, Half95 = 2.0;

    /// <summary>The model's error on AAA (on <see cref="ShortSymbol"/> it is half this).</summary>
    public const double Error = 0.5;

    public static TimeSeries AAA => Series("AAA", 40, new DateTime(2024, 1, 1), t => 100 + 3 * Math.Sin(t / 3.0) + 0.2 * t);

    public static TimeSeries Short(string symbol = ShortSymbol) => Series(symbol, 12, new DateTime(2024, 1, 20), t => 50 + (t % 3) - 0.5 * t);

    /// <summary>
    /// A 40-point series "AAA" (test period from step 32) and a 12-point series <see cref="ShortSymbol"/> (from step 9),
    /// walked forward by <see cref="Backtester.Evaluate"/>: the baselines are the real ones and the model misses each
    /// actual value by ±0.5 (AAA) or ±0.25 (times <paramref name="errorScale"/>), alternating by step, with 80% and 95%
    /// intervals of ±<see cref="Half80"/> and ±<see cref="Half95"/> times its error. The overall metrics are replaced by
    /// those given. <paramref name="modelLeftOut"/> names series the model does not forecast, with why.
    /// </summary>
    public static BacktestResult Result(int horizon, Metrics model, Metrics? naive = null, double errorScale = 1,
        IReadOnlyDictionary<string, string>? modelLeftOut = null)
    {
        var overall = new Dictionary<ForecastMethod, Metrics>
        {
            [ForecastMethod.Model] = model,
            [ForecastMethod.Naive] = naive ?? new Metrics(2.5, 3.0, 2.75, 1.0, 0, 30),
            [ForecastMethod.Drift] = new Metrics(2.6, 3.1, 2.8, 1.05, 0.5, 30),
            [ForecastMethod.MovingAverage] = new Metrics(2.7, 3.2, 2.9, 1.1, 0.4, 30),
        };
        return Walk([AAA, Short()], [32, 9], horizon, errorScale, modelLeftOut) with { Overall = overall };
    }

    /// <summary>The same walk-forward over the given series (test periods from the given steps), its overall metrics
    /// the real ones.</summary>
    public static BacktestResult Walk(IReadOnlyList<TimeSeries> series, IReadOnlyList<int> testStarts, int horizon, double errorScale = 1,
        IReadOnlyDictionary<string, string>? modelLeftOut = null, bool withNetwork = false)
    {
        var data = new SeriesSet(series, "price", [], "prices.csv");
        var starts = series.Select((s, i) => (s.Symbol, testStarts[i])).ToDictionary(x => x.Symbol, x => x.Item2);
        Unroll.Forecasting.Methods.MethodForecast Model(TimeSeries s, int origin, int steps)
        {
            double error = (s.Symbol == "AAA" ? Error : Error / 2) * errorScale;
            // The actual values, off by ±error: a model that peeks (past the last value, the last value repeated).
            var mean = Enumerable.Range(origin, steps).Select(t => s.Values[Math.Min(t, s.Length - 1)])
                .Select((v, h) => v + (h % 2 == 0 ? error : -error)).ToArray();
            Unroll.Forecasting.Methods.PredictionInterval Interval(double level, double half)
                => new(level, mean.Select(m => m - half * error).ToArray(), mean.Select(m => m + half * error).ToArray());
            return new(mean, [Interval(0.8, Half80), Interval(0.95, Half95)]);
        }
        // With the network alone beside the model: the model's point forecasts moved by a fixed amount, no intervals.
        Unroll.Forecasting.Methods.MethodForecast Network(TimeSeries s, int origin, int steps) => new(Model(s, origin, steps).Mean.Select(v => v + 1).ToArray(), []);
        return Backtester.Evaluate(Model, data, starts, horizon, null, modelLeftOut: modelLeftOut, network: withNetwork ? Network : null,
            describe: withNetwork ? _ => "half the network, half ETS and Theta" : null);
    }

    public static ReportInfo Info(IReadOnlyList<TrainingProgress>? history = null) =>
        new("LSTM backtest", "prices.csv", [("cell", "lstm"), ("hidden", "32"), ("lookback", "12")]) { History = history ?? [] };

    public static IReadOnlyList<TrainingProgress> History(int epochs) => Enumerable.Range(1, epochs)
        .Select(e => new TrainingProgress(e, epochs, 1.0 / e, 1.2 / Math.Sqrt(e), 0.5, TimeSpan.FromSeconds(e), IsBest: e % 5 == 0))
        .ToArray();

    /// <summary>The section of series <paramref name="index"/>, from its start tag to its end tag.</summary>
    public static string Section(string html, int index)
    {
        int start = html.IndexOf($"<section class=\"series\" id=\"series-{index}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"series {index} has no section");
        return html[start..(html.IndexOf("</section>", start, StringComparison.Ordinal) + "</section>".Length)];
    }

    /// <summary>Asserts that every element of the page is closed, in order (void HTML elements and self-closed SVG ones aside).</summary>
    public static void AssertBalanced(string html)
    {
        var open = new Stack<string>();
        string[] empty = ["meta", "link", "br", "hr", "img", "input"];
        foreach (Match tag in Regex.Matches(html, "<(/?)([a-zA-Z][a-zA-Z0-9-]*)\\b[^<>]*?(/?)>"))
        {
            string name = tag.Groups[2].Value;
            if (tag.Groups[1].Value == "/")
            {
                Assert.True(open.Count > 0, $"</{name}> at {tag.Index} closes nothing");
                Assert.Equal(open.Pop(), name);
            }
            else if (tag.Groups[3].Value != "/" && !empty.Contains(name)) open.Push(name);
        }
        Assert.Empty(open);
        // No markup is left in the text: every '<' starts a tag, every '&' an entity.
        Assert.DoesNotMatch("<(?![a-zA-Z/!])", html);
        Assert.DoesNotMatch("&(?!(amp|lt|gt|quot|#39);)", html);
    }

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
        // AAA (40 points, 8 in the test period): forecast past the end, history, close-up, errors; B&B (12 points, 3 in
        // the test period) is short enough that its history is its close-up: forecast, history, errors; then the loss chart.
        Assert.Equal(8, svgs.Count);
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
        Assert.Equal(7, ReportFixtures.SvgElements(html).Count);
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

/// <summary>The report's story of many methods: the verdict, every method's row with its intervals or why not, the
/// forecast past the last date with its bands, the per-step table.</summary>
public sealed class BacktestReportMethodsTests
{
    private static readonly Metrics GoodModel = new(1.23456, 2.5, 3.25, 0.93, 0.625, 30);

    private static double AaaScale => MetricsCalculator.NaiveScale(ReportFixtures.AAA.Values.AsSpan(0, 32));

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void SeriesTables_ListEveryMethodScoredAndWhyOneDoesNotApply(int horizon)
    {
        var result = ReportFixtures.Result(horizon, GoodModel);
        string html = BacktestReport.Render(result, ReportFixtures.Info());

        for (int i = 0; i < result.Series.Count; i++)
        {
            string section = ReportFixtures.Section(html, i);
            Assert.Equal(7, result.Series[i].Scores.Count);   // the model and the six built-in classical methods
            foreach (var method in result.Series[i].Scores.Keys)
                Assert.Contains($"</span>{method.Name()}</td>", section);
        }
        // B&B's 9 training days hold no two weeks, so seasonal naive does not apply there; every metric column is one cell.
        Assert.Contains("</span>seasonal_naive</td><td class=\"na\" colspan=\"10\">n/a: needs two full seasons: 9 points, 14 needed (m = 7)</td></tr>",
            ReportFixtures.Section(html, 1));
        Assert.DoesNotContain("n/a:", ReportFixtures.Section(html, 0));
    }

    [Fact]
    public void SeriesTable_ModelRow_HasCoverageAndMsisPerLevel()
    {
        string html = BacktestReport.Render(ReportFixtures.Result(3, GoodModel), ReportFixtures.Info());

        // AAA: errors of 0.5 against intervals of ±0.4 (80%, all missed) and ±1 (95%, all held). MSIS: the width plus
        // 2/α times the miss, over the naive scale: (0.8 + 10 × 0.1) / scale and 2 / scale.
        string msis80 = (1.8 / AaaScale).ToString("F3", CultureInfo.InvariantCulture), msis95 = (2.0 / AaaScale).ToString("F3", CultureInfo.InvariantCulture);
        Assert.Matches($"</span>model</td>(<td>[^<]*(<b>[^<]*</b>)?</td>){{6}}<td>(<b>)?0\\.0(</b>)?</td><td>(<b>)?{Regex.Escape(msis80)}(</b>)?</td>" +
                       $"<td>(<b>)?100\\.0(</b>)?</td><td>(<b>)?{Regex.Escape(msis95)}(</b>)?</td></tr>", ReportFixtures.Section(html, 0));
        Assert.Contains("<th class=\"group\" colspan=\"2\">80% interval</th><th class=\"group\" colspan=\"2\">95% interval</th>", html);
    }

    [Fact]
    public void OverallTable_BoldsTheCoverageNearestItsLevelAndTheLowestMsis()
    {
        var model = GoodModel with { Intervals = [new IntervalScore(0.8, 0.78, 2.0), new IntervalScore(0.95, 0.99, 3.0)] };
        var naive = new Metrics(2.5, 3.0, 2.75, 1.0, 0, 30) { Intervals = [new IntervalScore(0.8, 0.9, 2.5), new IntervalScore(0.95, 0.96, 2.9)] };
        string html = BacktestReport.Render(ReportFixtures.Result(1, model, naive), ReportFixtures.Info());

        Assert.Contains("<td>30</td><td><b>78.0</b></td><td><b>2.000</b></td><td>99.0</td><td>3.000</td></tr>", html);
        Assert.Contains("<td>30</td><td>90.0</td><td>2.500</td><td><b>96.0</b></td><td><b>2.900</b></td></tr>", html);
    }

    [Fact]
    public void FutureChart_BandsHaveTwoVerticesPerStepAndBracketTheForecast()
    {
        const int h = 3;
        var result = ReportFixtures.Result(h, GoodModel);
        string html = BacktestReport.Render(result, ReportFixtures.Info());

        var svg = ReportFixtures.SvgElements(ReportFixtures.Section(html, 0)).Select(s => XDocument.Parse(s).Root!)
            .Single(s => s.Elements().First(e => e.Name.LocalName == "title").Value == "AAA: the last 24 values and the forecast of the next 3 steps");
        var bands = svg.Elements().Where(e => e.Name.LocalName == "path" && (string?)e.Attribute("fill") == "#1f6fd1").ToList();
        Assert.Equal(["0.15", "0.3"], bands.Select(b => (string)b.Attribute("fill-opacity")!));   // 95% (lighter) under 80%
        // The model's forecast line: the last actual value, then the h steps.
        var dots = svg.Elements().Single(e => e.Name.LocalName == "g" && (string?)e.Attribute("fill") == "#1f6fd1").Elements()
            .Select(c => (X: (double)c.Attribute("cx")!, Y: (double)c.Attribute("cy")!)).ToArray();
        Assert.Equal(h + 1, dots.Length);
        var steps = dots.Skip(1).ToArray();
        var (v95, v80) = (Vertices(bands[0]), Vertices(bands[1]));
        foreach (var v in new[] { v95, v80 })
        {
            Assert.Equal(2 * h, v.Length);
            Assert.Equal(steps.Select(d => d.X), v.Take(h).Select(p => p.X));
            Assert.Equal(steps.Select(d => d.X).Reverse(), v.Skip(h).Select(p => p.X));
            for (int k = 0; k < h; k++)
                Assert.True(v[k].Y < steps[k].Y && steps[k].Y < v[2 * h - 1 - k].Y, $"step {k + 1}: the band should run above and below the forecast");
        }
        // ±2 errors against ±0.8 errors: the 95% band is 2.5 times as tall as the 80% one at every step.
        for (int k = 0; k < h; k++)
            Assert.Equal(ReportFixtures.Half95 / ReportFixtures.Half80, (v95[2 * h - 1 - k].Y - v95[k].Y) / (v80[2 * h - 1 - k].Y - v80[k].Y), 1);
        // Past the last date: the future dates are AAA's next days.
        var future = result.Series[0].FutureDates!;
        Assert.Equal(new DateTime(2024, 2, 10), future[0]);
        Assert.Contains("<td>1</td><td>2024-02-10</td>", ReportFixtures.Section(html, 0));
    }

    [Fact]
    public void FutureChart_OneStep_DrawsEachMethodsIntervalsAsWideBarsSideBySide()
    {
        string html = BacktestReport.Render(ReportFixtures.Result(1, GoodModel), ReportFixtures.Info());

        var svg = XDocument.Parse(ReportFixtures.SvgElements(ReportFixtures.Section(html, 0))[0]).Root!;
        var bars = svg.Elements().Where(e => e.Name.LocalName == "line" && e.Attribute("stroke-opacity") is not null).ToList();
        Assert.Equal(4, bars.Count);   // two methods, two levels
        Assert.All(bars, b => Assert.Equal("10", (string?)b.Attribute("stroke-width")));
        var model = bars.Where(b => (string?)b.Attribute("stroke") == "#1f6fd1").Select(b => (double)b.Attribute("x1")!).Distinct().Single();
        var other = bars.Where(b => (string?)b.Attribute("stroke") != "#1f6fd1").Select(b => (double)b.Attribute("x1")!).Distinct().Single();
        Assert.True(other - model >= 10, $"the bars at {model} and {other} should not overlap");
    }

    [Fact]
    public void Verdict_CountsTheBestMethodPerSeriesAsMethodRankingDoes()
    {
        var result = ReportFixtures.Result(1, GoodModel, errorScale: 0.1);     // a tenth of the usual error beats ETS on AAA
        string html = BacktestReport.Render(result, ReportFixtures.Info());

        var ranking = MethodRanking.Of(result);
        Assert.Equal(ForecastMethod.Model, ranking.BestBySeries["AAA"]);
        Assert.Equal(ForecastMethod.Model, ranking.BestBySeries[ReportFixtures.ShortSymbol]);
        Assert.Contains("<p class=\"verdict ranking\">Best by MASE: the model on 2 of 2 series; over all points, the model&#39;s MASE was lowest (0.93).</p>", html);
        Assert.Contains("<p class=\"verdict good model\">The model was best on 2 of the 2 series.</p>", html);
        // The verdict comes before the settings.
        Assert.True(html.IndexOf("verdict ranking", StringComparison.Ordinal) < html.IndexOf("<h2>Settings</h2>", StringComparison.Ordinal));
    }

    [Fact]
    public void Verdict_ModelBestNowhere_SaysSoAndNamesTheWinners()
    {
        var model = new Metrics(3.0, 3.5, 3.1, 1.12, 0.55, 30);
        var result = ReportFixtures.Result(1, model, errorScale: 40);
        string html = BacktestReport.Render(result, ReportFixtures.Info());

        var ranking = MethodRanking.Of(result);
        Assert.DoesNotContain(ForecastMethod.Model, ranking.BestBySeries.Values);
        Assert.Equal(ForecastMethod.Naive, ranking.BestOverall);   // of the overall metrics given: naive's 1.0 is lowest
        string sentence = ranking.Sentence(result);
        Assert.StartsWith("Best by MASE: ", sentence);
        Assert.DoesNotContain("the model on", sentence);
        Assert.Contains($"<p class=\"verdict ranking\">{Xml.Escape(sentence)}</p>", html);
        Assert.Contains("<p class=\"verdict bad model\">The model was best on none of the 2 series.</p>", html);
        Assert.Contains("over all points, naive&#39;s MASE was lowest (1; the model&#39;s 1.12).", html);
        // Each series names its own winner, and where the model ranks.
        Assert.Contains($"Best here by MASE: {ranking.BestBySeries["AAA"].Name()} (", ReportFixtures.Section(html, 0));
        Assert.Contains("; the model&#39;s ", ReportFixtures.Section(html, 0));
        Assert.Matches("ranks (7th of 7|6th of 6)\\.</p>", ReportFixtures.Section(html, 0));
    }

    [Fact]
    public void ModelSentence_OneSeries_GivesTheModelsRank()
    {
        // ETS follows AAA's smooth swing closely: the good model peeks with a tenth of the usual error to beat it.
        var good = ReportFixtures.Walk([ReportFixtures.AAA], [32], 1, errorScale: 0.1);
        var bad = ReportFixtures.Walk([ReportFixtures.AAA], [32], 1, errorScale: 40);

        string mase = NumberFormat.Significant(0.05 / AaaScale, 3);
        Assert.StartsWith($"The model was best on AAA: MASE {mase}, against ", MethodRanking.Of(good).ModelSentence(good));
        Assert.StartsWith("The model ranked 7th of 7 methods on AAA: MASE ", MethodRanking.Of(bad).ModelSentence(bad));
        Assert.Contains("The model ranked 7th of 7 methods on AAA", BacktestReport.Render(bad, ReportFixtures.Info()));
    }

    [Fact]
    public void ModelLeftOutOfASeries_ItsRowSaysWhyAndThePageStaysWhole()
    {
        var left = new Dictionary<string, string> { [ReportFixtures.ShortSymbol] = "series too short for the network (9 < 12)" };
        var result = ReportFixtures.Result(3, GoodModel, modelLeftOut: left);
        string html = BacktestReport.Render(result, ReportFixtures.Info(ReportFixtures.History(10)));

        string b = ReportFixtures.Section(html, 1);
        Assert.Contains("</span>model</td><td class=\"na\" colspan=\"10\">n/a: series too short for the network (9 &lt; 12)</td></tr>", b);
        Assert.Contains("the model was not run on this series (series too short for the network (9 &lt; 12))", b);
        Assert.Contains("<p class=\"verdict bad model\">The model was best on 1 of the 1 series it forecast; it was not run on 1, for instance series too short for the network (9 &lt; 12).</p>", html);
        // B&B's forecast past the end is drift's or another classical method's alone, with no model band.
        var future = XDocument.Parse(ReportFixtures.SvgElements(b)[0]).Root!;
        var legend = future.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        Assert.DoesNotContain("model forecast", legend);
        Assert.Contains(legend, t => t.EndsWith(" 80% interval", StringComparison.Ordinal));
        foreach (string svg in ReportFixtures.SvgElements(html)) XDocument.Parse(svg);
        ReportFixtures.AssertBalanced(html);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 3)]
    public void StepTable_OnlyWithAHorizonAboveOne(int horizon, int tables)
    {
        string html = BacktestReport.Render(ReportFixtures.Result(horizon, GoodModel), ReportFixtures.Info());

        Assert.Equal(tables, Regex.Matches(html, "<table class=\"steps\">").Count);   // overall and each series
        if (horizon == 1) return;
        Assert.Contains("<th>step 1</th><th>step 2</th><th>step 3</th></tr>", html);
        // AAA's model misses every step by 0.5: its MASE is 0.5 over the scale at each step.
        string each = Regex.Escape((0.5 / AaaScale).ToString("F3", CultureInfo.InvariantCulture));
        Assert.Matches($"<caption>MASE by step ahead, on AAA</caption>[\\s\\S]*?</span>model</td>(<td>(<b>)?{each}(</b>)?</td>){{3}}</tr>", ReportFixtures.Section(html, 0));
    }

    [Fact]
    public void NetworkAlone_IsARowBesideTheModel_AndTheLeadSaysWhatTheModelIs()
    {
        var result = ReportFixtures.Walk([ReportFixtures.AAA], [32], 1, withNetwork: true);
        string html = BacktestReport.Render(result, ReportFixtures.Info());

        Assert.Contains("The model is half the recurrent network's forecast and half ETS's and Theta's (the network alone is scored as network)", html);
        Assert.Contains(">network</td>", html);
        Assert.Equal(result.Series[0].Metrics[ForecastMethod.Model].Mae + 1, result.Series[0].Metrics[ForecastMethod.Network].Mae, 1e-9);
        Assert.DoesNotContain("The model is half", BacktestReport.Render(ReportFixtures.Walk([ReportFixtures.AAA], [32], 1), ReportFixtures.Info()));
    }

    [Fact]
    public void Series_StatesItsSpacingAndSeason()
    {
        string html = BacktestReport.Render(ReportFixtures.Result(1, GoodModel), ReportFixtures.Info());

        Assert.Contains("2024-01-01 to 2024-02-09, <span class=\"frequency\">daily, season 7</span>;", ReportFixtures.Section(html, 0));
        Assert.Equal(2, Regex.Matches(html, "<td class=\"text\">daily, season 7</td>").Count);   // the index, one row per series
    }

    [Fact]
    public void Render_SymbolWithMarkup_IsEscapedEverywhereAndThePageBalances()
    {
        const string symbol = "A&B<x>";
        var result = ReportFixtures.Walk([ReportFixtures.Short(symbol)], [9], 3);
        string html = BacktestReport.Render(result, ReportFixtures.Info());

        Assert.DoesNotContain(symbol, html);
        Assert.Contains("<h2>A&amp;B&lt;x&gt;</h2>", html);
        Assert.Contains("<a href=\"#series-0\">A&amp;B&lt;x&gt;</a>", html);
        Assert.Contains("Best by MASE on A&amp;B&lt;x&gt;: ", html);
        Assert.Contains(" methods on A&amp;B&lt;x&gt;: MASE ", html.Replace("was best on", " methods on", StringComparison.Ordinal));
        var titles = ReportFixtures.SvgElements(html).Select(s => XDocument.Parse(s).Root!.Elements().First(e => e.Name.LocalName == "title").Value).ToList();
        Assert.Contains($"{symbol}: the last 12 values and the forecast of the next 3 steps", titles);
        ReportFixtures.AssertBalanced(html);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Render_EveryElementIsClosed(int horizon)
        => ReportFixtures.AssertBalanced(BacktestReport.Render(ReportFixtures.Result(horizon, GoodModel), ReportFixtures.Info(ReportFixtures.History(12))));

    private static (double X, double Y)[] Vertices(XElement path) => path.Attribute("d")!.Value.TrimEnd('Z').Split(['M', 'L'], StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split(' ')).Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture))).ToArray();
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
