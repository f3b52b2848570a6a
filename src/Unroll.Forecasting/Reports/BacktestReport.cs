using System.Text;
using Unroll.Charts;
using Unroll.Core.Io;

namespace Unroll.Forecasting.Reports;

/// <summary>What a report says about how its backtest was made, beside the numbers in <see cref="BacktestResult"/>.</summary>
/// <param name="Title">The page title, such as "LSTM backtest of prices.csv".</param>
/// <param name="DataFile">The data file, as the user named it.</param>
/// <param name="Settings">The settings worth showing, in order, such as ("cell", "lstm"), ("hidden", "32").</param>
public sealed record ReportInfo(string Title, string DataFile, IReadOnlyList<(string Name, string Value)> Settings)
{
    /// <summary>The training loss per epoch; empty for none. When empty, the report uses the history in
    /// <see cref="BacktestResult.Fit"/> if the backtest trained the model.</summary>
    public IReadOnlyList<TrainingProgress> History { get; init; } = [];
}

/// <summary>
/// A backtest as one self-contained HTML page (inline CSS and SVG, no scripts, no external URLs): what was done, the
/// overall metrics against the baselines with a plain-language verdict, per-series charts and tables, and the
/// training loss.
/// </summary>
public static class BacktestReport
{
    /// <summary>The file <see cref="Write"/> writes.</summary>
    public const string FileName = "index.html";

    /// <summary>The marker <see cref="Write"/> leaves in a report folder, so a later report may write there again.</summary>
    public const string MarkerFileName = ".unroll-report";

    private const string ActualColor = "#222222";

    /// <summary>Error charts show each error up to this many origins, and a trailing mean beyond.</summary>
    private const int RawErrorLimit = 60;

    /// <summary>Each method's colour and dash in charts and tables (its label is <see cref="ForecastMethods.Name"/>): the
    /// model solid blue, every other method its own hue and a dash, so that lines stay apart in grey print too. No
    /// other method is blue-green: its interval band would blend into the model's where the two overlap.</summary>
    private static readonly Dictionary<ForecastMethod, (string Color, LineDash Dash)> Styles = new()
    {
        [ForecastMethod.Model] = ("#1f6fd1", LineDash.Solid),
        [ForecastMethod.Network] = ("#5c7cfa", LineDash.ShortDashed),
        [ForecastMethod.Naive] = ("#e8590c", LineDash.Dashed),
        [ForecastMethod.SeasonalNaive] = ("#d6336c", LineDash.DashDot),
        [ForecastMethod.Drift] = ("#2b8a3e", LineDash.ShortDashed),
        [ForecastMethod.MovingAverage] = ("#9c36b5", LineDash.DashDot),
        [ForecastMethod.Theta] = ("#8d5524", LineDash.ShortDashed),
        [ForecastMethod.Ets] = ("#b08900", LineDash.DashDot),
    };

    /// <summary>Fill opacity of an interval band: the narrowest level darker, so that nested bands read as nested.</summary>
    private static double BandOpacity(double level, IReadOnlyList<double> levels)
        => levels.Count > 1 && level > levels.Min() ? 0.15 : 0.3;

    /// <summary>Renders the report page.</summary>
    /// <param name="result">The backtest.</param>
    /// <param name="info">Title, data file, settings and (optionally) the training history.</param>
    /// <returns>The whole HTML document.</returns>
    public static string Render(BacktestResult result, ReportInfo info)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(info);
        var html = new StringBuilder(64 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"color-scheme\" content=\"light\">\n")
            .Append("<title>").Append(Xml.Escape(info.Title)).Append("</title>\n")
            .Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n<main>\n");

        var ranking = MethodRanking.Of(result);
        AppendSummary(html, result, info, ranking);
        AppendOverall(html, result);
        AppendSeriesIndex(html, result, ranking);
        for (int i = 0; i < result.Series.Count; i++) AppendSeries(html, result, result.Series[i], i);
        var history = info.History.Count > 0 ? info.History : result.Fit?.History ?? [];
        if (history.Count > 0) AppendTraining(html, history, result.Fit);

        html.Append("<footer>Written by Unroll. Lower is better for every metric except direction %. ")
            .Append("Bold marks the best value in each column (for coverage, the nearest to its level).</footer>\n</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>Writes the report to <c>index.html</c> in <paramref name="directory"/>, creating the directory if
    /// needed, and leaves the marker <see cref="MarkerFileName"/> there. The file is replaced atomically; nothing else
    /// in the directory is touched.</summary>
    /// <param name="result">The backtest.</param>
    /// <param name="info">Title, data file, settings and (optionally) the training history.</param>
    /// <param name="directory">The folder to write into: new, empty, or one a report was written to before.</param>
    /// <exception cref="IOException">The folder holds other files and no report marker (see <see cref="FolderProblem"/>).</exception>
    public static void Write(BacktestResult result, ReportInfo info, string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (FolderProblem(directory) is { } problem) throw new IOException($"{directory}: {problem}");
        string html = Render(result, info);
        Directory.CreateDirectory(directory);
        AtomicFile.WriteText(Path.Combine(directory, MarkerFileName), "This folder holds a report written by Unroll; Unroll may write its report here again.\n");
        AtomicFile.WriteText(Path.Combine(directory, FileName), html);
    }

    /// <summary>
    /// Why a report may not be written to <paramref name="directory"/>, or null if it may: a report goes only into a
    /// folder that is new, empty, or holds the marker of a report written before, so nothing a user made is overwritten.
    /// </summary>
    public static string? FolderProblem(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (File.Exists(directory)) return $"it is a file; give a folder for {FileName}";
        if (!Directory.Exists(directory) || File.Exists(Path.Combine(directory, MarkerFileName))) return null;
        // Temporary files of an earlier report's interrupted write are Unroll's own (the next write removes them).
        bool Ours(string name) => AtomicFile.IsTemporaryOf(name, MarkerFileName, out _) || AtomicFile.IsTemporaryOf(name, FileName, out _);
        List<string> entries;
        try { entries = Directory.EnumerateFileSystemEntries(directory).Select(p => Path.GetFileName(p)).Where(n => !Ours(n)).Take(4).ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "its contents cannot be listed (permission denied?); give a folder you can read and write"; }
        if (entries.Count == 0) return null;
        return $"the folder already holds files that Unroll did not write ({string.Join(", ", entries.Take(3))}{(entries.Count > 3 ? ", …" : "")}); " +
               "give a new or empty folder";
    }

    // ---- sections -------------------------------------------------------------------------------------------------

    private static void AppendSummary(StringBuilder html, BacktestResult result, ReportInfo info, MethodRanking ranking)
    {
        html.Append("<h1>").Append(Xml.Escape(info.Title)).Append("</h1>\n");
        int origins = result.Series.Sum(s => s.Origins.Count);
        var (first, last) = TestPeriod(result.Series);
        var others = Methods(result.Series.SelectMany(s => s.Scores.Keys).Concat(result.Overall.Keys)).Where(m => m != ForecastMethod.Model).ToList();
        html.Append("<p class=\"lead\">A walk-forward backtest of <code>").Append(Xml.Escape(info.DataFile)).Append("</code>: ")
            .Append(Plural(result.Series.Count, "series", "series")).Append(", forecasting ")
            .Append(Plural(result.Horizon, "step")).Append(" ahead from each of ").Append(Plural(origins, "origin"))
            .Append(" in the test period");
        if (first is { } f && last is { } l)
            html.Append(" (").Append(NumberFormat.Date(f)).Append(" to ").Append(NumberFormat.Date(l)).Append(')');
        html.Append(". Every forecast uses only the values before its origin. ").Append(result.Overall.ContainsKey(ForecastMethod.Network)
            ? "The model is half the recurrent network's forecast and half ETS's and Theta's (the network alone is scored as network)"
            : "The model is the recurrent network");
        if (others.Count > 0) html.Append("; ").Append(Xml.Escape(Join(others.Select(m => m.Name())))).Append(" forecast the same points");
        html.Append('.');
        if (result.Horizon > 1)
            html.Append(" Metrics pool all ").Append(NumberFormat.Count(result.Horizon)).Append(" steps of every forecast; the backtest charts show the first step.");
        html.Append("</p>\n");

        // The verdict first: who won where, how the network did, and whether it beats the naive guess.
        html.Append("<div class=\"verdicts\">\n<p class=\"verdict ranking\">").Append(Xml.Escape(ranking.Sentence(result))).Append("</p>\n");
        html.Append("<p class=\"verdict ").Append(ranking.BestOverall == ForecastMethod.Model ? "good" : "bad").Append(" model\">")
            .Append(Xml.Escape(ranking.ModelSentence(result))).Append("</p>\n");
        var versus = NaiveComparison.Of(result.Overall);
        html.Append("<p class=\"verdict ").Append(versus.Beats ? "good" : "bad").Append("\">").Append(Xml.Escape(versus.Verdict(result.Horizon))).Append("</p>\n</div>\n");

        var rows = info.Settings.ToList();
        rows.RemoveAll(r => r.Name == "horizon");
        rows.Insert(0, ("horizon", Plural(result.Horizon, "step")));
        if (result.Levels.Count > 0) rows.Insert(1, ("intervals", Join(result.Levels.Select(Percent)) + " prediction intervals"));
        if (result.Fit is { } fit)
        {
            rows.Add(("training", fit.Stop switch
            {
                StopReason.EarlyStopped => $"stopped early after {Plural(fit.History.Count, "epoch")}",
                StopReason.Cancelled => $"cancelled after {Plural(fit.History.Count, "epoch")}",
                _ => $"ran all {Plural(fit.History.Count, "epoch")}",
            }));
            rows.Add(("best epoch", NumberFormat.Count(fit.BestEpoch) + " (the weights evaluated)"));
            rows.Add(("windows", $"{NumberFormat.Count(fit.TrainWindows)} training, {NumberFormat.Count(fit.ValidationWindows)} validation"));
        }
        html.Append("<h2>Settings</h2>\n<table class=\"settings\"><tbody>\n");
        foreach (var (name, value) in rows)
            html.Append("<tr><th scope=\"row\">").Append(Xml.Escape(name)).Append("</th><td>").Append(Xml.Escape(value)).Append("</td></tr>\n");
        html.Append("</tbody></table>\n");
    }

    private static void AppendOverall(StringBuilder html, BacktestResult result)
    {
        html.Append("<h2>Results over all series</h2>\n");
        // The pooled metrics are Overall's; a method that applied to no series is listed with its reason.
        var rows = Methods(result.Overall.Keys.Concat(result.OverallScores.Where(kv => !kv.Value.Applies).Select(kv => kv.Key)))
            .Select(m => result.Overall.TryGetValue(m, out var metrics)
                ? new Row(m, metrics, result.OverallScores.TryGetValue(m, out var score) ? score.Description : null, null)
                : new Row(m, null, null, result.OverallScores[m].NotApplicable))
            .ToList();
        AppendMetricsTable(html, rows, result.Levels);
        if (result.Horizon > 1)
            AppendStepTable(html, result.Horizon, result.OverallScores.Where(kv => result.Overall.ContainsKey(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value), "over all series");
        html.Append("<p class=\"note\">MAE and RMSE are in the series' units; MAPE is the mean absolute error as a percentage of the actual value; ")
            .Append("MASE divides each error by the series' average one-step change before the test period (below 1 is better than that naive step); ")
            .Append("direction % counts forecasts that called the move up, down or flat correctly (the naive forecast always says flat). ")
            .Append("Coverage is the share of actual values inside a method's prediction interval (an 80% interval should hold about 80%); ")
            .Append("MSIS is the interval's width plus a penalty for every miss, in the same units as MASE (lower is better). ")
            .Append("The pooled rows compare methods over every point of the series each applies to.</p>\n");
    }

    private static void AppendSeriesIndex(StringBuilder html, BacktestResult result, MethodRanking ranking)
    {
        html.Append("<h2>Series</h2>\n<div class=\"wide\"><table class=\"index\"><thead><tr><th>series</th><th>points</th><th class=\"text\">dates</th>")
            .Append("<th>test period</th><th>origins</th><th class=\"text\">best by MASE</th><th>its MASE</th><th>model MASE</th><th>naive MASE</th></tr></thead><tbody>\n");
        for (int i = 0; i < result.Series.Count; i++)
        {
            var s = result.Series[i];
            bool hasBest = ranking.BestBySeries.TryGetValue(s.Symbol, out var best);
            html.Append("<tr><td class=\"name\"><a href=\"#series-").Append(i).Append("\">").Append(Xml.Escape(s.Symbol)).Append("</a></td><td>")
                .Append(NumberFormat.Count(s.Series.Length)).Append("</td><td class=\"text\">").Append(Xml.Escape(s.Frequency)).Append("</td><td>")
                .Append(TestPeriodText(s)).Append("</td><td>").Append(NumberFormat.Count(s.Origins.Count)).Append("</td><td class=\"text\">");
            if (hasBest) html.Append(Swatch(best)).Append(Xml.Escape(best.Name()));
            else html.Append("n/a");
            html.Append("</td><td>").Append(NumberFormat.Fixed(hasBest ? s.Metrics[best].Mase : double.NaN, 3)).Append("</td><td>")
                .Append(NumberFormat.Fixed(s.Metrics.TryGetValue(ForecastMethod.Model, out var m) ? m.Mase : double.NaN, 3)).Append("</td><td>")
                .Append(NumberFormat.Fixed(s.Metrics.TryGetValue(ForecastMethod.Naive, out var n) ? n.Mase : double.NaN, 3)).Append("</td></tr>\n");
        }
        html.Append("</tbody></table></div>\n");
    }

    private static void AppendSeries(StringBuilder html, BacktestResult result, SeriesBacktest s, int index)
    {
        html.Append("<section class=\"series\" id=\"series-").Append(index).Append("\">\n<h2>").Append(Xml.Escape(s.Symbol)).Append("</h2>\n");
        var dates = s.Series.Dates;
        html.Append("<p>").Append(Plural(s.Series.Length, "point"));
        if (dates.Count > 0) html.Append(" from ").Append(NumberFormat.Date(dates[0])).Append(" to ").Append(NumberFormat.Date(dates[^1]));
        if (s.Frequency.Length > 0) html.Append(", <span class=\"frequency\">").Append(Xml.Escape(s.Frequency)).Append("</span>");
        html.Append("; test period ").Append(TestPeriodText(s)).Append(", ").Append(Plural(s.Origins.Count, "forecast origin")).Append(".</p>\n");
        html.Append("<p class=\"series-verdict\">").Append(Xml.Escape(SeriesVerdict(s))).Append("</p>\n");

        string valueName = result.Fit?.Forecaster.TargetColumn ?? "value";
        AppendFuture(html, result, s, valueName);

        // The backtest charts show the model, the two best other methods and the naive forecast: all seven are a tangle.
        var shown = ChartMethods(s);
        string step = result.Horizon == 1 ? "one-step-ahead forecasts" : $"the first step of each {result.Horizon}-step forecast";
        // A close-up when the test period is a small part of the series: there the forecasts are told apart, and the
        // model's intervals are drawn there only (on the whole series they would muddy the picture).
        int testLength = s.Series.Length - s.TestStart;
        int from = Math.Max(0, s.TestStart - Math.Max(3, testLength / 8));
        bool zoom = s.Origins.Count > 0 && s.Series.Length > 2 * (s.Series.Length - from);
        if (s.Series.Length > 0)
        {
            var chart = HistoryChart(result, s);
            html.Append("<figure>").Append(chart.Render()).Append("<figcaption>The whole series (black) and ").Append(Xml.Escape(step))
                .Append(" over the shaded test period: ").Append(Xml.Escape(WhichShown(s, shown, !zoom))).Append("</figcaption></figure>\n");
        }

        if (s.Origins.Count > 0)
        {
            if (zoom)
            {
                var closeUp = ForecastChart(s, from, valueName, $"{s.Symbol}: close-up of the test period", shown, result.Levels);
                html.Append("<figure>").Append(closeUp.Render()).Append("<figcaption>Close-up of the test period: actual values (black) and ")
                    .Append(Xml.Escape(step)).Append(": ").Append(Xml.Escape(WhichShown(s, shown, true))).Append("</figcaption></figure>\n");
            }

            // Errors: raw up to RawErrorLimit origins; beyond, a trailing mean over about a fiftieth of them, or the picture is noise.
            int window = s.Origins.Count > RawErrorLimit ? (int)Math.Ceiling(s.Origins.Count / 50.0) : 1;
            string what = result.Horizon == 1 ? "one-step-ahead forecast" : "first forecast step";
            var best = MethodRanking.Order(s.Metrics).FirstOrDefault(m => m is not (ForecastMethod.Model or ForecastMethod.Naive));
            var compared = new[] { ForecastMethod.Model, ForecastMethod.Naive, best }.Distinct().Where(m => s.Metrics.ContainsKey(m) && s.Origins[0].Forecasts.ContainsKey(m)).ToList();
            var errors = new LineChart
            {
                Height = 220,
                XAxis = ChartXAxis.Date,
                YFromZero = true,
                YLabel = window == 1 ? "absolute error" : $"absolute error, mean of the last {window} forecasts",
                Title = $"{s.Symbol}: absolute errors of {Join(compared.Select(m => m.Name()))}",
            };
            foreach (var method in Methods(compared))
            {
                var (label, color, dash) = Style(method);
                var absolute = s.Origins.Select(o => Math.Abs(o.Forecasts[method].Mean[0] - o.Actual[0])).ToArray();
                errors.Lines.Add(ChartLine.OverDates($"{label} |error|", s.Origins.Select(o => o.Dates[0]), TrailingMean(absolute, window), color)
                    with { Dash = dash, Width = method == ForecastMethod.Model ? 2.2 : 1.6, Layer = method == ForecastMethod.Model ? 1 : 0 });
            }
            html.Append("<figure class=\"small\">").Append(errors.Render()).Append("<figcaption>Absolute error of the ").Append(what);
            if (window == 1) html.Append(" at each date of the test period.");
            else html.Append(", averaged over each date's last ").Append(window).Append(" forecasts (a trailing mean).");
            html.Append("</figcaption></figure>\n");
        }
        else
        {
            html.Append("<p class=\"note\">No forecast origins: the test period is shorter than the horizon.</p>\n");
        }

        var rows = Methods(s.Scores.Count > 0 ? s.Scores.Keys : s.Metrics.Keys)
            .Select(m => s.Scores.TryGetValue(m, out var score)
                ? new Row(m, score.Applies ? score.Metrics : null, score.Description, score.NotApplicable)
                : new Row(m, s.Metrics[m], null, null))
            .ToList();
        AppendMetricsTable(html, rows, result.Levels);
        if (result.Horizon > 1) AppendStepTable(html, result.Horizon, s.Scores.Where(kv => kv.Value.Applies).ToDictionary(kv => kv.Key, kv => kv.Value), "on " + s.Symbol);
        html.Append("</section>\n");
    }

    /// <summary>The chart and values of every step past the series' last date: the model's forecast and the best
    /// other method's, each with its intervals, after the last stretch of history.</summary>
    private static void AppendFuture(StringBuilder html, BacktestResult result, SeriesBacktest s, string valueName)
    {
        if (Future(result, s, valueName) is not var (chart, shown, tail, approximate)) return;
        var dates = s.Series.Dates;
        int h = s.Future[shown[0]].Mean.Length;
        string best = shown.Contains(ForecastMethod.Model) ? "the best other method here by MASE" : "the best method here by MASE";
        string what = Join(shown.Select(m => m == ForecastMethod.Model ? "the model's" : $"{m.Name()}'s ({best})"));
        html.Append("<figure class=\"future\">").Append(chart.Render()).Append("<figcaption>The last ").Append(Plural(tail, "value"))
            .Append(" (black) and ").Append(Xml.Escape(what)).Append(h == 1 ? " forecast of the step after " : $" forecast of the {h} steps after ")
            .Append(NumberFormat.Date(dates[^1])).Append(", with ").Append(result.Levels.Count > 1 ? "their prediction intervals (the lighter band the wider level)" : "their prediction intervals")
            .Append(approximate ? "; the dates are too irregular to extend, so the steps are drawn at the series' typical spacing." : ".")
            .Append("</figcaption></figure>\n");

        // The same numbers, for reading off.
        html.Append("<details class=\"future\"><summary>Forecast values past ").Append(NumberFormat.Date(dates[^1])).Append("</summary>\n")
            .Append("<div class=\"wide\"><table class=\"future\"><thead><tr><th>step</th><th>date</th>");
        foreach (var method in shown)
        {
            html.Append("<th>").Append(Swatch(method)).Append(Xml.Escape(method.Name())).Append("</th>");
            foreach (var interval in s.Future[method].Intervals) html.Append("<th>").Append(Xml.Escape(LevelText(interval.Level))).Append("</th>");
        }
        html.Append("</tr></thead><tbody>\n");
        for (int k = 0; k < h; k++)
        {
            html.Append("<tr><td>").Append(k + 1).Append("</td><td>")
                .Append(s.FutureDates is { } next ? NumberFormat.Date(next[k]) : "–").Append("</td>");
            foreach (var method in shown)
            {
                var forecast = s.Future[method];
                html.Append("<td>").Append(Xml.Escape(NumberFormat.Value(forecast.Mean[k]))).Append("</td>");
                foreach (var interval in forecast.Intervals)
                    html.Append("<td>").Append(Xml.Escape(NumberFormat.Value(interval.Lower[k]))).Append(" to ").Append(Xml.Escape(NumberFormat.Value(interval.Upper[k]))).Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody></table></div></details>\n");
    }

    /// <summary>
    /// The report's chart of a series' last stretch of history and the forecast past its last date: the model's and
    /// the best other method's by MASE, each with its prediction intervals (<see cref="SeriesBacktest.Future"/>).
    /// </summary>
    /// <param name="result">The backtest (its levels shade the bands).</param>
    /// <param name="series">One of <paramref name="result"/>'s series.</param>
    /// <returns>The chart, or null when no method forecast past the series' end.</returns>
    public static LineChart? FutureChart(BacktestResult result, SeriesBacktest series)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(series);
        return Future(result, series, ValueName(result))?.Chart;
    }

    /// <summary>
    /// The report's chart of a whole series with the first step of the model's, the naive forecast's and the two best
    /// other methods' forecasts over its shaded test period (and the model's intervals, unless the test period is a
    /// small part of the series, where they would muddy the picture).
    /// </summary>
    /// <param name="result">The backtest.</param>
    /// <param name="series">One of <paramref name="result"/>'s series.</param>
    public static LineChart HistoryChart(BacktestResult result, SeriesBacktest series)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(series);
        string step = result.Horizon == 1 ? "one-step-ahead forecasts" : $"the first step of each {result.Horizon}-step forecast";
        int testLength = series.Series.Length - series.TestStart;
        int from = Math.Max(0, series.TestStart - Math.Max(3, testLength / 8));
        bool zoom = series.Origins.Count > 0 && series.Series.Length > 2 * (series.Series.Length - from);
        return ForecastChart(series, 0, ValueName(result), $"{series.Symbol}: actual values and {step}", ChartMethods(series), zoom ? [] : result.Levels);
    }

    private static string ValueName(BacktestResult result) => result.Fit?.Forecaster.TargetColumn ?? "value";

    /// <summary>The future chart, the methods it draws, the values of history it shows, and whether the steps' dates
    /// are approximate (too irregular to extend); null when no method forecast past the end.</summary>
    private static (LineChart Chart, IReadOnlyList<ForecastMethod> Shown, int Tail, bool Approximate)? Future(BacktestResult result, SeriesBacktest s, string valueName)
    {
        var shown = FutureMethods(s);
        if (shown.Count == 0 || s.Series.Length == 0) return null;
        var dates = s.Series.Dates;
        int h = s.Future[shown[0]].Mean.Length;
        var futureX = FutureX(s, h, out bool approximate);
        // Enough history to see the season and the trend, and never so much that the forecast is a sliver.
        int tail = Math.Min(s.Series.Length, Math.Max(24, Math.Max(3 * s.Season, 4 * h)));
        int from = s.Series.Length - tail;
        double lastX = ChartLine.DayNumber(dates[^1]), lastValue = s.Series.Values[^1];
        // One step's intervals are bars, not bands: wide enough to see, and set a little apart (a quarter of a step to
        // each side) where two methods' would cover each other.
        bool dodge = h == 1 && shown.Count > 1;
        double step = futureX[0] - lastX;
        double[] At(int i) => dodge ? futureX.Select(x => x + (i == 0 ? -0.25 : 0.25) * step).ToArray() : futureX;

        var chart = new LineChart
        {
            Height = 340,
            XAxis = ChartXAxis.Date,
            YLabel = valueName,
            Title = $"{s.Symbol}: the last {tail} values and the forecast of the next {Plural(h, "step")}",
            Shade = new ChartShade((lastX + futureX[0]) / 2, At(shown.Count - 1)[^1], "past the last date", "#eef1f5"),
        };
        chart.Lines.Add(ChartLine.OverDates("actual", dates.Skip(from), s.Series.Values.AsSpan(from).ToArray(), ActualColor) with { Markers = tail <= AutoMarkers });
        for (int i = 0; i < shown.Count; i++)
        {
            var method = shown[i];
            var forecast = s.Future[method];
            var (label, color, dash) = Style(method);
            // Each forecast line starts at the last actual value, so it reads as a continuation.
            chart.Lines.Add(new ChartLine($"{label} forecast", [lastX, .. At(i)], [lastValue, .. forecast.Mean], color)
                { Dash = dash, Width = method == ForecastMethod.Model ? 2.4 : 1.8, Layer = method == ForecastMethod.Model ? 2 : 1, Markers = true });
        }
        // The other method's bands first, so the model's lie on top of them.
        for (int i = shown.Count - 1; i >= 0; i--)
        {
            var (label, color, _) = Style(shown[i]);
            foreach (var interval in s.Future[shown[i]].Intervals.OrderByDescending(i => i.Level))
                chart.Bands.Add(new ChartBand($"{label} {LevelText(interval.Level)}", At(i), interval.Lower, interval.Upper, color)
                    { Opacity = BandOpacity(interval.Level, result.Levels), PointWidth = 10 });
        }
        return (chart, shown, tail, approximate);
    }

    private static void AppendTraining(StringBuilder html, IReadOnlyList<TrainingProgress> history, FitResult? fit)
    {
        html.Append("<section id=\"training\">\n<h2>Training</h2>\n");
        bool validated = history.Any(h => h.ValidationLoss is not null);
        // A log axis when the losses span more than a decade; a loss that moves from 1.6 to 1.1 gets a linear one.
        bool log = Ticks.PreferLog(history.Select(h => h.TrainLoss).Concat(history.Select(h => h.ValidationLoss ?? double.NaN)));
        var chart = new LineChart
        {
            Height = 300,
            LogY = log,
            IntegerX = true,
            XLabel = "epoch",
            YLabel = log ? "loss (scaled units, log scale)" : "loss (scaled units)",
            Title = "Loss per epoch",
        };
        var epochs = history.Select(h => (double)h.Epoch).ToArray();
        chart.Lines.Add(new ChartLine("training loss", epochs, history.Select(h => h.TrainLoss).ToArray(), "#1f6fd1") { Width = 2 });
        if (validated)
            chart.Lines.Add(new ChartLine("validation loss", epochs, history.Select(h => h.ValidationLoss ?? double.NaN).ToArray(), "#e8590c") { Width = 2 });
        int best = fit?.BestEpoch ?? history.LastOrDefault(h => h.IsBest)?.Epoch ?? 0;
        if (best > 0) chart.Marks.Add(new ChartMark(best, $"best epoch {NumberFormat.Count(best)}"));
        html.Append("<figure>").Append(chart.Render()).Append(log ? "<figcaption>Loss per epoch on a log scale" : "<figcaption>Loss per epoch");
        if (best > 0) html.Append("; the weights of epoch ").Append(NumberFormat.Count(best)).Append(validated ? " (lowest validation loss) were kept" : " (lowest training loss) were kept");
        html.Append(".</figcaption></figure>\n</section>\n");
    }

    // ---- tables ---------------------------------------------------------------------------------------------------

    /// <summary>One method's row: its metrics, or (Metrics null) why it does not apply.</summary>
    private sealed record Row(ForecastMethod Method, Metrics? Metrics, string? Description, string? NotApplicable);

    /// <summary>A table column; <paramref name="Group"/> is the header over several (an interval level's), and
    /// <paramref name="Target"/> the value that is best (a coverage's level) where neither low nor high is.</summary>
    private sealed record Column(string Header, Func<Metrics, double> Value, Func<double, string> Format, bool HigherIsBetter, bool Bold = true,
        double? Target = null, string? Group = null);

    private static readonly Column[] Columns =
    [
        new("MAE", m => m.Mae, NumberFormat.Value, false),
        new("RMSE", m => m.Rmse, NumberFormat.Value, false),
        new("MAPE %", m => m.Mape, v => NumberFormat.Fixed(v, 2), false),
        new("MASE", m => m.Mase, v => NumberFormat.Fixed(v, 3), false),
        new("direction %", m => m.Direction * 100, v => NumberFormat.Fixed(v, 1), true),
        new("points", m => m.Count, v => NumberFormat.Count((long)v), false, Bold: false),
    ];

    /// <summary>The interval columns of each level: coverage (best nearest the level) and MSIS (lowest best).</summary>
    private static IEnumerable<Column> IntervalColumns(IReadOnlyList<double> levels) => levels.SelectMany(level => new[]
    {
        new Column("coverage %", m => (m.At(level)?.Coverage ?? double.NaN) * 100, v => NumberFormat.Fixed(v, 1), false, Target: level * 100, Group: LevelText(level)),
        new Column("MSIS", m => m.At(level)?.Msis ?? double.NaN, v => NumberFormat.Fixed(v, 3), false, Group: LevelText(level)),
    });

    private static void AppendMetricsTable(StringBuilder html, IReadOnlyList<Row> rows, IReadOnlyList<double> levels)
    {
        var columns = Columns.Concat(IntervalColumns(levels)).ToArray();
        // Two header rows when there are intervals: each level's name over its coverage and MSIS.
        bool grouped = columns.Any(c => c.Group is not null);
        string span = grouped ? " rowspan=\"2\"" : "";
        html.Append("<div class=\"wide\"><table class=\"metrics\"><thead><tr><th").Append(span).Append(">method</th>");
        for (int c = 0; c < columns.Length; c++)
        {
            if (columns[c].Group is not { } group) html.Append("<th").Append(span).Append('>').Append(Xml.Escape(columns[c].Header)).Append("</th>");
            else if (c == 0 || columns[c - 1].Group != group)
                html.Append("<th class=\"group\" colspan=\"").Append(columns.Skip(c).TakeWhile(x => x.Group == group).Count()).Append("\">").Append(Xml.Escape(group)).Append("</th>");
        }
        html.Append("</tr>");
        if (grouped)
        {
            html.Append("\n<tr>");
            foreach (var c in columns.Where(c => c.Group is not null)) html.Append("<th>").Append(Xml.Escape(c.Header)).Append("</th>");
            html.Append("</tr>");
        }
        html.Append("</thead><tbody>\n");
        var scored = rows.Where(r => r.Metrics is not null).Select(r => r.Metrics!).ToList();
        var best = columns.Select(c =>
        {
            var values = scored.Select(c.Value).Where(double.IsFinite).ToList();
            if (!c.Bold || values.Count == 0) return double.NaN;
            if (c.Target is double target) return values.MinBy(v => Math.Abs(v - target));
            return c.HigherIsBetter ? values.Max() : values.Min();
        }).ToArray();
        foreach (var row in rows)
        {
            html.Append("<tr").Append(row.Method == ForecastMethod.Model ? " class=\"model\"" : "").Append("><td class=\"name\">")
                .Append(Swatch(row.Method)).Append(Xml.Escape(row.Method.Name())).Append("</td>");
            if (row.Metrics is not { } metrics)
            {
                html.Append("<td class=\"na\" colspan=\"").Append(columns.Length).Append("\">n/a: ")
                    .Append(Xml.Escape(row.NotApplicable ?? "no forecasts")).Append("</td></tr>\n");
                continue;
            }
            for (int c = 0; c < columns.Length; c++)
            {
                double v = columns[c].Value(metrics);
                string text = Xml.Escape(columns[c].Format(v));
                html.Append("<td>").Append(v == best[c] ? "<b>" + text + "</b>" : text).Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody></table></div>\n");
        // What each classical method fitted, under the table (a column would push the interval scores out of sight).
        static string Plain(string text) => text.Replace('_', ' ').ToLowerInvariant();
        var described = rows.Where(r => r.Description is { } d && Plain(d) != Plain(r.Method.Name())).ToList();
        if (described.Count > 0)
            html.Append("<p class=\"note fitted\">Fitted: ").Append(Xml.Escape(string.Join("; ", described.Select(r => $"{r.Method.Name()}: {r.Description}")))).Append(".</p>\n");
    }

    /// <summary>MASE of each step ahead on its own, one row per method: how fast each method's forecasts degrade.</summary>
    private static void AppendStepTable(StringBuilder html, int horizon, IReadOnlyDictionary<ForecastMethod, MethodScore> scores, string where)
    {
        var methods = Methods(scores.Keys).Where(m => scores[m].ByStep.Count == horizon).ToList();
        if (methods.Count == 0) return;
        html.Append("<div class=\"wide\"><table class=\"steps\"><caption>MASE by step ahead, ").Append(Xml.Escape(where))
            .Append("</caption><thead><tr><th>method</th>");
        for (int k = 1; k <= horizon; k++) html.Append("<th>step ").Append(k).Append("</th>");
        html.Append("</tr></thead><tbody>\n");
        var best = Enumerable.Range(0, horizon).Select(k =>
        {
            var values = methods.Select(m => scores[m].ByStep[k].Mase).Where(double.IsFinite).ToList();
            return values.Count == 0 ? double.NaN : values.Min();
        }).ToArray();
        foreach (var method in methods)
        {
            html.Append("<tr").Append(method == ForecastMethod.Model ? " class=\"model\"" : "").Append("><td class=\"name\">")
                .Append(Swatch(method)).Append(Xml.Escape(method.Name())).Append("</td>");
            for (int k = 0; k < horizon; k++)
            {
                double v = scores[method].ByStep[k].Mase;
                string text = Xml.Escape(NumberFormat.Fixed(v, 3));
                html.Append("<td>").Append(v == best[k] ? "<b>" + text + "</b>" : text).Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody></table></div>\n");
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /// <summary>Lines with at most this many points get dots.</summary>
    private const int AutoMarkers = LineChart.AutoMarkerLimit;

    /// <summary>The report's methods first, in <see cref="BacktestResult.Methods"/> order, then any others in declaration order.</summary>
    private static IEnumerable<ForecastMethod> Methods(IEnumerable<ForecastMethod> present)
    {
        var set = present.ToHashSet();
        return BacktestResult.Methods.Where(set.Contains).Concat(set.Except(BacktestResult.Methods).Order());
    }

    /// <summary>"Best here by MASE: theta (0.297), then seasonal_naive (0.387); the model's 0.901 ranks 4th of 6."</summary>
    private static string SeriesVerdict(SeriesBacktest s)
    {
        var ranked = MethodRanking.Order(s.Metrics).Where(m => double.IsFinite(s.Metrics[m].Mase)).ToList();
        if (ranked.Count == 0) return "No method has a MASE here (too few test points).";
        string Score(ForecastMethod m) => NumberFormat.Significant(s.Metrics[m].Mase, 3);
        var text = $"Best here by MASE: {ranked[0].Name()} ({Score(ranked[0])})";
        if (ranked.Count > 1) text += $", then {ranked[1].Name()} ({Score(ranked[1])})";
        int rank = ranked.IndexOf(ForecastMethod.Model);
        if (rank >= 2) text += $"; the model's {Score(ForecastMethod.Model)} ranks {MethodRanking.Ordinal(rank + 1)} of {ranked.Count}";
        else if (rank < 0)
            text += s.Scores.TryGetValue(ForecastMethod.Model, out var model) && model.NotApplicable is { } why
                ? $"; the model was not run on this series ({why})"
                : "; the model has no MASE here";
        return text + ".";
    }

    /// <summary>The methods the backtest charts draw: the model, the two best other methods by MASE, and the naive forecast.</summary>
    private static IReadOnlyList<ForecastMethod> ChartMethods(SeriesBacktest s)
    {
        if (s.Origins.Count == 0) return [];
        var forecast = s.Origins[0].Forecasts;
        var others = MethodRanking.Order(s.Metrics).Where(m => m != ForecastMethod.Model && forecast.ContainsKey(m)).Take(2);
        return Methods(new[] { ForecastMethod.Model, ForecastMethod.Naive }.Concat(others).Where(forecast.ContainsKey)).ToList();
    }

    /// <summary>The caption's list of what a backtest chart draws: "model, naive and theta (…); the bands are …".</summary>
    private static string WhichShown(SeriesBacktest s, IReadOnlyList<ForecastMethod> shown, bool bands)
    {
        if (shown.Count == 0) return "no method forecast here.";
        string text = Join(shown.Select(m => m.Name()));
        if (shown.Count < s.Metrics.Count)
        {
            var parts = new List<string>();
            if (shown.Contains(ForecastMethod.Model)) parts.Add("the model");
            if (shown.Contains(ForecastMethod.Naive)) parts.Add("the naive forecast");
            parts.Add(parts.Count > 0 ? "the two best other methods by MASE" : "the two best methods by MASE");
            text += $" ({Join(parts)}; the table below lists every method)";
        }
        if (bands && shown.Contains(ForecastMethod.Model) && s.Origins[0].Forecasts[ForecastMethod.Model].Intervals.Count > 0)
            text += "; the shaded bands are the model's prediction intervals";
        return text + ".";
    }

    /// <summary>The methods whose forecast past the last date is drawn: the model, and the best other method by MASE.</summary>
    private static IReadOnlyList<ForecastMethod> FutureMethods(SeriesBacktest s)
    {
        var shown = new List<ForecastMethod>();
        if (s.Future.TryGetValue(ForecastMethod.Model, out var model) && model.Mean.Length > 0) shown.Add(ForecastMethod.Model);
        var other = MethodRanking.Order(s.Metrics).FirstOrDefault(m => m != ForecastMethod.Model && s.Future.ContainsKey(m), ForecastMethod.Model);
        if (other == ForecastMethod.Model) other = Methods(s.Future.Keys).FirstOrDefault(m => m != ForecastMethod.Model, ForecastMethod.Model);
        if (other != ForecastMethod.Model && s.Future[other].Mean.Length > 0) shown.Add(other);
        return shown;
    }

    /// <summary>The x (day number) of each future step: its date, or, where the dates are too irregular to extend, the
    /// series' median spacing after the last date (<paramref name="approximate"/>).</summary>
    private static double[] FutureX(SeriesBacktest s, int h, out bool approximate)
    {
        var dates = s.Series.Dates;
        if (s.FutureDates is { } next && next.Count >= h)
        {
            approximate = false;
            return next.Take(h).Select(d => ChartLine.DayNumber(d)).ToArray();
        }
        approximate = true;
        var gaps = dates.Zip(dates.Skip(1), (a, b) => (double)(ChartLine.DayNumber(b) - ChartLine.DayNumber(a))).Order().ToList();
        double gap = gaps.Count > 0 ? Math.Max(1, gaps[gaps.Count / 2]) : 1;
        return Enumerable.Range(1, h).Select(k => ChartLine.DayNumber(dates[^1]) + k * gap).ToArray();
    }

    /// <summary>The actual values from step <paramref name="from"/> on, with the given methods' first forecast step at each
    /// origin and the model's first-step intervals at <paramref name="levels"/> as bands (none for none).</summary>
    private static LineChart ForecastChart(SeriesBacktest s, int from, string valueName, string title, IReadOnlyList<ForecastMethod> methods, IReadOnlyList<double> levels)
    {
        var dates = s.Series.Dates;
        // Under interval bands the test period's shade is paler, or blue on yellow turns a muddy grey.
        bool bands = methods.Contains(ForecastMethod.Model) && levels.Count > 0;
        var chart = new LineChart { Height = 360, XAxis = ChartXAxis.Date, YLabel = valueName, Title = title, Shade = TestShade(s, bands ? "#f9f8f3" : null) };
        chart.Lines.Add(ChartLine.OverDates("actual", dates.Skip(from), s.Series.Values.AsSpan(from).ToArray(), ActualColor) with { Layer = 1 });
        if (s.Origins.Count == 0) return chart;
        foreach (var method in methods)
        {
            var (label, color, dash) = Style(method);
            chart.Lines.Add(ChartLine.OverDates(label, s.Origins.Select(o => o.Dates[0]), s.Origins.Select(o => o.Forecasts[method].Mean[0]).ToArray(), color)
                with { Dash = dash, Width = method == ForecastMethod.Model ? 2.4 : 1.6, Layer = method == ForecastMethod.Model ? 3 : 2 });
        }
        if (methods.Contains(ForecastMethod.Model))
        {
            var (label, color, _) = Style(ForecastMethod.Model);
            var intervals = s.Origins[0].Forecasts[ForecastMethod.Model].Intervals;
            foreach (var level in intervals.Select(i => i.Level).Where(l => levels.Contains(l)).OrderDescending())
            {
                double Bound(BacktestOrigin o, bool upper)
                {
                    var interval = o.Forecasts[ForecastMethod.Model].Intervals.FirstOrDefault(i => i.Level == level);
                    return interval is null ? double.NaN : upper ? interval.Upper[0] : interval.Lower[0];
                }
                chart.Bands.Add(ChartBand.OverDates($"{label} {LevelText(level)}", s.Origins.Select(o => o.Dates[0]),
                    s.Origins.Select(o => Bound(o, false)).ToArray(), s.Origins.Select(o => Bound(o, true)).ToArray(), color) with { Opacity = BandOpacity(level, levels) });
            }
        }
        return chart;
    }

    /// <summary>The mean of each value and the <paramref name="window"/> − 1 before it (fewer at the start).</summary>
    private static double[] TrailingMean(double[] values, int window)
    {
        if (window <= 1) return values;
        var result = new double[values.Length];
        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }

    private static string Swatch(ForecastMethod method)
        => "<span class=\"swatch\" style=\"background:" + Xml.Escape(Style(method).Color) + "\"></span>";

    /// <summary>"80%".</summary>
    private static string Percent(double level) => $"{(level * 100).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}%";

    /// <summary>"80% interval".</summary>
    private static string LevelText(double level) => Percent(level) + " interval";

    /// <summary>"a", "a and b", "a, b and c".</summary>
    private static string Join(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count <= 1 ? string.Concat(list) : string.Join(", ", list.Take(list.Count - 1)) + " and " + list[^1];
    }

    private static (string Label, string Color, LineDash Dash) Style(ForecastMethod method)
        => Styles.TryGetValue(method, out var style) ? (method.Name(), style.Color, style.Dash) : (method.Name(), "#666666", LineDash.Dashed);

    private static ChartShade? TestShade(SeriesBacktest s, string? color = null)
    {
        var dates = s.Series.Dates;
        if (s.TestStart >= dates.Count || s.TestStart < 0) return null;
        // From halfway between the last training-side date and the first test date, to the end of the series.
        double from = s.TestStart > 0 ? (ChartLine.DayNumber(dates[s.TestStart - 1]) + ChartLine.DayNumber(dates[s.TestStart])) / 2.0 : ChartLine.DayNumber(dates[0]);
        var shade = new ChartShade(from, ChartLine.DayNumber(dates[^1]), "test period");
        return color is null ? shade : shade with { Color = color };
    }

    private static string TestPeriodText(SeriesBacktest s)
    {
        var dates = s.Series.Dates;
        if (s.TestStart < 0 || s.TestStart >= dates.Count) return "none";
        return $"{NumberFormat.Date(dates[s.TestStart])} to {NumberFormat.Date(dates[^1])}";
    }

    private static (DateTime? First, DateTime? Last) TestPeriod(IReadOnlyList<SeriesBacktest> series)
    {
        DateTime? first = null, last = null;
        foreach (var s in series)
        {
            var dates = s.Series.Dates;
            if (s.TestStart < 0 || s.TestStart >= dates.Count) continue;
            if (first is null || dates[s.TestStart] < first) first = dates[s.TestStart];
            if (last is null || dates[^1] > last) last = dates[^1];
        }
        return (first, last);
    }

    private static string Plural(int n, string singular, string? plural = null)
        => $"{NumberFormat.Count(n)} {(n == 1 ? singular : plural ?? singular + "s")}";

    /// <summary>The page's style sheet, Reports/report.css embedded in this assembly.</summary>
    private static readonly string Css = ReadCss();

    private static string ReadCss()
    {
        using var stream = typeof(BacktestReport).Assembly.GetManifestResourceStream(CssResource)
            ?? throw new InvalidOperationException($"the embedded resource {CssResource} is missing from {typeof(BacktestReport).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private const string CssResource = "Unroll.Forecasting.Reports.report.css";
}
