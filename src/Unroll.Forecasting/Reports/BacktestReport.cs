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

    /// <summary>Each method's colour and dash in charts and tables (its label is <see cref="ForecastMethods.Name"/>).</summary>
    private static readonly Dictionary<ForecastMethod, (string Color, LineDash Dash)> Styles = new()
    {
        [ForecastMethod.Model] = ("#1f6fd1", LineDash.Solid),
        [ForecastMethod.Naive] = ("#e8590c", LineDash.Dashed),
        [ForecastMethod.Drift] = ("#2b8a3e", LineDash.ShortDashed),
        [ForecastMethod.MovingAverage] = ("#9c36b5", LineDash.DashDot),
    };

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

        AppendSummary(html, result, info);
        AppendOverall(html, result);
        AppendSeriesIndex(html, result);
        for (int i = 0; i < result.Series.Count; i++) AppendSeries(html, result, result.Series[i], i);
        var history = info.History.Count > 0 ? info.History : result.Fit?.History ?? [];
        if (history.Count > 0) AppendTraining(html, history, result.Fit);

        html.Append("<footer>Written by Unroll. Lower is better for every metric except direction %. ")
            .Append("Bold marks the best value in each column.</footer>\n</main>\n</body>\n</html>\n");
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

    private static void AppendSummary(StringBuilder html, BacktestResult result, ReportInfo info)
    {
        html.Append("<h1>").Append(Xml.Escape(info.Title)).Append("</h1>\n");
        int origins = result.Series.Sum(s => s.Origins.Count);
        var (first, last) = TestPeriod(result.Series);
        html.Append("<p class=\"lead\">A walk-forward backtest of <code>").Append(Xml.Escape(info.DataFile)).Append("</code>: ")
            .Append(Plural(result.Series.Count, "series", "series")).Append(", forecasting ")
            .Append(Plural(result.Horizon, "step")).Append(" ahead from each of ").Append(Plural(origins, "origin"))
            .Append(" in the test period");
        if (first is { } f && last is { } l)
            html.Append(" (").Append(NumberFormat.Date(f)).Append(" to ").Append(NumberFormat.Date(l)).Append(')');
        html.Append(". Every forecast uses only the values before its origin; the naive, drift and moving-average ")
            .Append("baselines forecast the same points.");
        if (result.Horizon > 1)
            html.Append(" Metrics pool all ").Append(NumberFormat.Count(result.Horizon)).Append(" steps of every forecast; charts show the first step.");
        html.Append("</p>\n");

        var rows = info.Settings.ToList();
        rows.Insert(0, ("horizon", Plural(result.Horizon, "step")));
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
        var versus = NaiveComparison.Of(result.Overall);
        html.Append("<p class=\"verdict ").Append(versus.Beats ? "good" : "bad").Append("\">").Append(Xml.Escape(versus.Verdict(result.Horizon))).Append("</p>\n");
        AppendMetricsTable(html, result.Overall);
        html.Append("<p class=\"note\">MAE and RMSE are in the series' units; MAPE is the mean absolute error as a percentage of the actual value; ")
            .Append("MASE divides each error by the series' average one-step change before the test period (below 1 is better than that naive step); ")
            .Append("direction % counts forecasts that called the move up, down or flat correctly (the naive forecast always says flat).</p>\n");
    }

    private static void AppendSeriesIndex(StringBuilder html, BacktestResult result)
    {
        html.Append("<h2>Series</h2>\n<div class=\"wide\"><table class=\"index\"><thead><tr><th>series</th><th>points</th>")
            .Append("<th>test period</th><th>origins</th><th>model MASE</th><th>naive MASE</th></tr></thead><tbody>\n");
        for (int i = 0; i < result.Series.Count; i++)
        {
            var s = result.Series[i];
            html.Append("<tr><td class=\"name\"><a href=\"#series-").Append(i).Append("\">").Append(Xml.Escape(s.Symbol)).Append("</a></td><td>")
                .Append(NumberFormat.Count(s.Series.Length)).Append("</td><td>").Append(TestPeriodText(s)).Append("</td><td>")
                .Append(NumberFormat.Count(s.Origins.Count)).Append("</td><td>")
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
        html.Append("; test period ").Append(TestPeriodText(s)).Append(", ").Append(Plural(s.Origins.Count, "forecast origin")).Append(".</p>\n");

        string valueName = result.Fit?.Forecaster.TargetColumn ?? "value";
        string step = result.Horizon == 1 ? "one-step-ahead forecasts" : $"the first step of each {result.Horizon}-step forecast";
        if (s.Series.Length > 0)
        {
            var chart = ForecastChart(s, 0, valueName, $"{s.Symbol}: actual values and {step}");
            html.Append("<figure>").Append(chart.Render()).Append("<figcaption>The whole series (black) and ").Append(Xml.Escape(step))
                .Append(" over the shaded test period.</figcaption></figure>\n");
        }

        if (s.Origins.Count > 0)
        {
            // A close-up when the test period is a small part of the series: there the forecasts are told apart.
            int testLength = s.Series.Length - s.TestStart;
            int from = Math.Max(0, s.TestStart - Math.Max(3, testLength / 8));
            if (s.Series.Length > 2 * (s.Series.Length - from))
            {
                var zoom = ForecastChart(s, from, valueName, $"{s.Symbol}: close-up of the test period");
                html.Append("<figure>").Append(zoom.Render()).Append("<figcaption>Close-up of the test period: actual values (black) and ")
                    .Append(Xml.Escape(step)).Append(".</figcaption></figure>\n");
            }

            // Errors: raw up to RawErrorLimit origins; beyond, a trailing mean over about a fiftieth of them, or the picture is noise.
            int window = s.Origins.Count > RawErrorLimit ? (int)Math.Ceiling(s.Origins.Count / 50.0) : 1;
            string what = result.Horizon == 1 ? "one-step-ahead forecast" : "first forecast step";
            var errors = new LineChart
            {
                Height = 220,
                XAxis = ChartXAxis.Date,
                YFromZero = true,
                YLabel = window == 1 ? "absolute error" : $"absolute error, mean of the last {window} forecasts",
                Title = $"{s.Symbol}: absolute errors of the model and the naive forecast",
            };
            foreach (var method in new[] { ForecastMethod.Model, ForecastMethod.Naive })
            {
                if (!s.Origins[0].Forecasts.ContainsKey(method)) continue;
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

        AppendMetricsTable(html, s.Metrics);
        html.Append("</section>\n");
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

    private sealed record Column(string Header, Func<Metrics, double> Value, Func<double, string> Format, bool HigherIsBetter, bool Bold = true);

    private static readonly Column[] Columns =
    [
        new("MAE", m => m.Mae, NumberFormat.Value, false),
        new("RMSE", m => m.Rmse, NumberFormat.Value, false),
        new("MAPE %", m => m.Mape, v => NumberFormat.Fixed(v, 2), false),
        new("MASE", m => m.Mase, v => NumberFormat.Fixed(v, 3), false),
        new("direction %", m => m.Direction * 100, v => NumberFormat.Fixed(v, 1), true),
        new("points", m => m.Count, v => NumberFormat.Count((long)v), false, Bold: false),
    ];

    private static void AppendMetricsTable(StringBuilder html, IReadOnlyDictionary<ForecastMethod, Metrics> metrics)
    {
        var methods = Methods(metrics.Keys).ToList();
        html.Append("<div class=\"wide\"><table class=\"metrics\"><thead><tr><th>method</th>");
        foreach (var c in Columns) html.Append("<th>").Append(Xml.Escape(c.Header)).Append("</th>");
        html.Append("</tr></thead><tbody>\n");
        var best = Columns.Select(c =>
        {
            var values = methods.Select(m => c.Value(metrics[m])).Where(double.IsFinite).ToList();
            return !c.Bold || values.Count == 0 ? double.NaN : c.HigherIsBetter ? values.Max() : values.Min();
        }).ToArray();
        foreach (var method in methods)
        {
            var (label, color, _) = Style(method);
            html.Append("<tr").Append(method == ForecastMethod.Model ? " class=\"model\"" : "").Append("><td class=\"name\"><span class=\"swatch\" style=\"background:")
                .Append(Xml.Escape(color)).Append("\"></span>").Append(Xml.Escape(label)).Append("</td>");
            for (int c = 0; c < Columns.Length; c++)
            {
                double v = Columns[c].Value(metrics[method]);
                string text = Xml.Escape(Columns[c].Format(v));
                html.Append("<td>").Append(v == best[c] ? "<b>" + text + "</b>" : text).Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody></table></div>\n");
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /// <summary>The report's methods first, in <see cref="BacktestResult.Methods"/> order, then any others in declaration order.</summary>
    private static IEnumerable<ForecastMethod> Methods(IEnumerable<ForecastMethod> present)
    {
        var set = present.ToHashSet();
        return BacktestResult.Methods.Where(set.Contains).Concat(set.Except(BacktestResult.Methods).Order());
    }

    /// <summary>The actual values from step <paramref name="from"/> on, with every method's first forecast step at each origin.</summary>
    private static LineChart ForecastChart(SeriesBacktest s, int from, string valueName, string title)
    {
        var dates = s.Series.Dates;
        var chart = new LineChart { Height = 360, XAxis = ChartXAxis.Date, YLabel = valueName, Title = title, Shade = TestShade(s) };
        chart.Lines.Add(ChartLine.OverDates("actual", dates.Skip(from), s.Series.Values.AsSpan(from).ToArray(), ActualColor));
        if (s.Origins.Count == 0) return chart;
        foreach (var method in Methods(s.Origins[0].Forecasts.Keys))
        {
            var (label, color, dash) = Style(method);
            chart.Lines.Add(ChartLine.OverDates(label, s.Origins.Select(o => o.Dates[0]), s.Origins.Select(o => o.Forecasts[method].Mean[0]).ToArray(), color)
                with { Dash = dash, Width = method == ForecastMethod.Model ? 2.4 : 1.6, Layer = method == ForecastMethod.Model ? 2 : 1 });
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

    private static (string Label, string Color, LineDash Dash) Style(ForecastMethod method)
        => Styles.TryGetValue(method, out var style) ? (method.Name(), style.Color, style.Dash) : (method.Name(), "#666666", LineDash.Dashed);

    private static ChartShade? TestShade(SeriesBacktest s)
    {
        var dates = s.Series.Dates;
        if (s.TestStart >= dates.Count || s.TestStart < 0) return null;
        // From halfway between the last training-side date and the first test date, to the end of the series.
        double from = s.TestStart > 0 ? (dates[s.TestStart - 1].DayNumber + dates[s.TestStart].DayNumber) / 2.0 : dates[0].DayNumber;
        return new ChartShade(from, dates[^1].DayNumber, "test period");
    }

    private static string TestPeriodText(SeriesBacktest s)
    {
        var dates = s.Series.Dates;
        if (s.TestStart < 0 || s.TestStart >= dates.Count) return "none";
        return $"{NumberFormat.Date(dates[s.TestStart])} to {NumberFormat.Date(dates[^1])}";
    }

    private static (DateOnly? First, DateOnly? Last) TestPeriod(IReadOnlyList<SeriesBacktest> series)
    {
        DateOnly? first = null, last = null;
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
