using Unroll.Data;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Unroll.Forecasting;
using Unroll.Charts;
using Unroll.Core.Io;

namespace Unroll.Cli.Commands;

/// <summary>`unroll backtest`: walk forward over each series' test period, the model beside naive, drift and moving average.</summary>
internal static class BacktestCommand
{
    public static Command Create(CliContext context)
    {
        var options = new ForecastOptions();
        var model = new Option<string?>("--model") { Description = "Evaluate this trained model (else one is trained with the training options on the data before the test period)" };
        var test = Options.Fraction("--test", "Fraction at the end of each series to walk forward over", 0.2, 0, 0.9, minExclusive: true);
        var report = new Option<string?>("--report") { Description = "Folder to write an HTML report (index.html with plots and the metrics table)" };
        var json = new Option<bool>("--json") { Description = "Print the metrics as JSON" };
        var debugNumerics = new Option<bool>("--debug-numerics") { Description = "When a batch's loss or gradient is not finite, name the layer, time step and tensor where it first appears" };
        var levels = Options.Levels("--levels", "Prediction-interval levels scored, in percent", [0.8, 0.95]);
        var forecasts = new Option<string?>("--forecasts") { Description = $"Also write every test-period forecast as CSV: {string.Join(',', ForecastsColumns)} and lower_/upper_ columns per level" };
        var refitEvery = Options.OptionalCount("--refit-every", "Refit every classical method every K origins on all data before the origin (default: fit once, before the test period)");
        var command = new Command("backtest", "Walk-forward backtest of the model against naive, seasonal naive, drift, moving average, Theta and ETS: MAE, RMSE, MAPE, MASE, direction, interval coverage and MSIS");
        foreach (var o in options.DataOptions.Concat(options.TrainingOptions)) command.Add(o);
        command.Add(model);
        command.Add(test);
        command.Add(report);
        command.Add(json);
        command.Add(debugNumerics);
        command.Add(levels);
        command.Add(refitEvery);
        command.Add(forecasts);
        var quiet = Options.Quiet();
        command.Add(quiet);
        command.Add(Options.Threads());
        command.SetAction(parse =>
        {
            context.Quiet = parse.GetValue(quiet);
            var backtest = new BacktestOptions { Levels = parse.GetValue(levels)!, Season = parse.GetValue(options.Season), RefitEvery = parse.GetValue(refitEvery) };
            double testFraction = parse.GetValue(test);
            var reportDir = parse.GetValue(report);
            var modelPath = parse.GetValue(model);
            var forecastsPath = parse.GetValue(forecasts);
            new OutputGuard().Input("--data", parse.GetValue(options.Data)).Input("--model", modelPath).Report("--report", reportDir)
                .File("--forecasts", forecastsPath, "forecasts.csv", OutputKind.Forecasts).Check();
            BacktestResult result;
            ForecastSettings used;
            if (modelPath is not null)
            {
                if (parse.GetValue(debugNumerics))
                    throw new UserError("--debug-numerics diagnoses training, and with --model nothing is trained: drop one of them");
                var saved = ModelBundle.Load(modelPath);
                context.Activity = "reading the data";
                var data = PredictCommand.ReadWithTheModelsColumns(() => options.ReadData(parse, context, saved));
                int? horizon = parse.GetResult(options.Horizon) is { Implicit: false } ? parse.GetValue(options.Horizon) : null;
                PredictCommand.RequireHorizon(saved, horizon);
                context.Activity = "estimating the parts of series new to the model";
                var forecaster = saved.Serving(data, testFraction);
                if (!context.Quiet)
                    foreach (var note in PredictCommand.SeriesNotes(saved, forecaster, data)) context.Error.WriteLine($"note: {note}");
                context.Activity = "walking the model forward over the test period";
                result = Backtester.Run(forecaster, data, testFraction, horizon, backtest);
                used = forecaster.Settings with { TestFraction = testFraction };
                if (testFraction > forecaster.Settings.TestFraction && data.Series.Any(s => !forecaster.ColdStart.Contains(s.Symbol)))
                    context.Error.WriteLine($"warning: {modelPath} was trained on data that reaches into this test period (it held out {forecaster.Settings.TestFraction * 100:F0}% of each series, this backtest scores the last {testFraction * 100:F0}%), so its scores flatter it; for an honest score run backtest without --model");
            }
            else
            {
                var settings = options.Settings(parse, testFraction);
                context.Activity = "reading the data";
                var data = options.ReadData(parse, context);
                bool debug = parse.GetValue(debugNumerics);
                var run = new TrainingRunOptions { DebugNumerics = debug };
                result = TrainingRunner.Run(context, "training", settings.Epochs,
                    (progress, token) => Backtester.Run(data, settings, progress, token, run, backtest));
                // A backtest scores what training gave, but not an untrained network: at least one epoch must have finished.
                var fit = result.Fit!;
                if (TrainingOutcome.Failure(fit, settings, debug, context) is { } failure)
                {
                    if (fit.BestEpoch == 0)
                    {
                        context.Error.WriteLine($"error: {failure}; there is no trained model to backtest");
                        return fit.Stop == StopReason.Cancelled ? context.InterruptionExitCode : UnrollCli.Failed;
                    }
                    context.Error.WriteLine($"warning: {TrainingOutcome.Failure(fit, settings, debug, context, $"the scores below are of epoch {fit.BestEpoch}'s weights, which 'unroll train' would not save")}");
                }
                if (TrainingOutcome.Warning(fit, settings, debug) is { } warning) context.Error.WriteLine($"warning: {warning}");
                used = settings;
            }
            if (reportDir is not null)
            {
                context.Activity = $"writing the report to {reportDir}";
                ReportWriter.Write(result, parse.GetValue(options.Data)!, reportDir, used);
            }
            if (forecastsPath is not null)
            {
                context.Activity = $"writing the forecasts to {forecastsPath}";
                AtomicFile.WriteText(forecastsPath, ForecastsCsv(result));
            }
            int code = result.Fit?.Stop == StopReason.Cancelled ? context.InterruptionExitCode : UnrollCli.Ok;
            if (parse.GetValue(json))
            {
                context.Out.WriteLine(ToJson(result).ToJsonString());
                return code;
            }
            if (result.Fit is { } trained) TrainingRunner.WriteNotes(context, trained);
            Render(context, result);
            if (result.Fit?.Stop == StopReason.Cancelled)
                context.Out.WriteLine($"Training was stopped by {context.InterruptionName} after {result.Fit.History.Count} epochs; these scores are of its best weights so far (epoch {result.Fit.BestEpoch}).");
            if (reportDir is not null) context.Out.WriteLine($"Report: {Path.Combine(reportDir, "index.html")}");
            return code;
        });
        return command;
    }

    /// <summary>
    /// Every forecast of the test period, one row per series, origin, step and method: <c>origin</c> is the last date
    /// known when forecasting, <c>date</c> the date forecast; then the value that came, the forecast and its bounds
    /// (empty where a method gave none). Methods that do not apply to a series have no rows.
    /// </summary>
    /// <summary>The first columns of the --forecasts CSV, before a lower_ and upper_ column per level.</summary>
    internal static readonly string[] ForecastsColumns = ["symbol", "origin", "step", "date", "actual", "method", "forecast"];

    internal static string ForecastsCsv(BacktestResult result)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvOutput.Create(text))
        {
            // A value that is not finite (no bound, no actual) is an empty field.
            void Number(double v)
            {
                if (double.IsFinite(v)) csv.WriteField(v);
                else csv.WriteField("");
            }
            csv.WriteHeader([.. ForecastsColumns,
                .. result.Levels.SelectMany(l => new[] { $"lower_{Percent(l)}", $"upper_{Percent(l)}" })]);
            foreach (var s in result.Series)
                foreach (var o in s.Origins)
                    foreach (var method in BacktestResult.Methods)
                    {
                        if (!o.Forecasts.TryGetValue(method, out var f)) continue;
                        for (int k = 0; k < o.Actual.Length; k++)
                        {
                            csv.WriteField(s.Symbol);
                            csv.WriteField(Timestamps.Format(s.Series.Dates[o.Origin - 1]));
                            csv.WriteField(k + 1);
                            csv.WriteField(Timestamps.Format(o.Dates[k]));
                            Number(o.Actual[k]);
                            csv.WriteField(method.Name());
                            Number(f.Mean[k]);
                            foreach (var level in result.Levels)
                            {
                                var interval = f.Intervals.FirstOrDefault(i => Math.Abs(i.Level - level) < 1e-9);
                                Number(interval is null ? double.NaN : interval.Lower[k]);
                                Number(interval is null ? double.NaN : interval.Upper[k]);
                            }
                            csv.EndRecord();
                        }
                    }
        }
        return text.ToString();
    }

    /// <summary>
    /// The backtest as JSON (documented in docs/forecasting.md): <c>horizon</c>, <c>levels</c>, <c>best</c>, and
    /// <c>overall</c> and each entry of <c>series</c> mapping every method's key to its metrics.
    /// </summary>
    internal static JsonObject ToJson(BacktestResult result)
    {
        var numbers = new JsonNumbers();
        var ranking = MethodRanking.Of(result);
        JsonObject Methods(IReadOnlyDictionary<ForecastMethod, MethodScore> scores)
        {
            var o = new JsonObject();
            foreach (var m in BacktestResult.Methods)
                if (scores.TryGetValue(m, out var score)) o[m.Name()] = ScoreJson(score, result, numbers);
            return o;
        }
        var root = new JsonObject
        {
            ["schema_version"] = 1,
            ["horizon"] = result.Horizon,
            ["levels"] = new JsonArray(result.Levels.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
            ["best"] = ranking.BestOverall is { } best ? best.Name() : null,
            ["overall"] = Methods(result.OverallScores),
        };
        var series = new JsonArray();
        foreach (var s in result.Series)
        {
            var entry = new JsonObject
            {
                ["symbol"] = s.Symbol,
                ["test_start"] = Timestamps.Format(s.Series.Dates[s.TestStart]),
                ["origins"] = s.Origins.Count,
                ["season"] = s.Season,
                ["frequency"] = s.Frequency,
                ["best"] = ranking.BestBySeries.TryGetValue(s.Symbol, out var b) ? b.Name() : null,
            };
            // The seasonal pattern the network did not see, when the backtest trained it and took one out.
            if (result.Fit?.Forecaster.Adjustments.TryGetValue(s.Symbol, out var adjustment) == true)
                entry["seasonal_adjustment"] = adjustment.Describe();
            foreach (var (key, value) in Methods(s.Scores)) entry[key] = value?.DeepClone();
            series.Add(entry);
        }
        root["series"] = series;
        return numbers.Finish(root);
    }

    // One method: its metrics (a metric that could not be computed is null, with a note), its intervals' coverage and
    // MSIS per level, per step with a horizon, and what was fitted or why it does not apply.
    private static JsonObject ScoreJson(MethodScore score, BacktestResult result, JsonNumbers numbers)
    {
        if (!score.Applies) return new JsonObject { ["not_applicable"] = score.NotApplicable };
        var o = MetricsJson(score.Metrics, numbers);
        if (score.Description is { } description) o["description"] = description;
        foreach (var level in result.Levels)
        {
            string percent = Percent(level);
            var interval = score.Metrics.At(level);
            o[$"coverage_{percent}"] = numbers.Number(interval?.Coverage, $"coverage_{percent}");
            o[$"msis_{percent}"] = numbers.Number(interval?.Msis, $"msis_{percent}");
        }
        if (result.Horizon > 1)
        {
            o["mase_by_step"] = numbers.Numbers(score.ByStep.Select(m => m.Mase), "mase_by_step");
            o["single_origin"] = MetricsJson(score.SingleOrigin, numbers);
        }
        return o;
    }

    private static string Percent(double level) => (level * 100).ToString("0.##", CultureInfo.InvariantCulture);

    // A metric that could not be computed (no naive scale for MASE, a zero actual for MAPE) is NaN: null, with a note.
    private static JsonObject MetricsJson(Metrics m, JsonNumbers numbers) => new()
    {
        ["mae"] = numbers.Number(m.Mae, "mae"),
        ["rmse"] = numbers.Number(m.Rmse, "rmse"),
        ["mape_percent"] = numbers.Number(m.Mape, "mape_percent"),
        ["mase"] = numbers.Number(m.Mase, "mase"),
        ["direction"] = numbers.Number(m.Direction, "direction"),
        ["points"] = m.Count,
    };

    /// <summary>
    /// The scores of every method per series (and overall), then MASE at each step ahead: bordered tables on a terminal
    /// wide enough for them, otherwise the long layout (every line names its series and method; MASE by step one line
    /// per method and step), so no number is split across lines.
    /// </summary>
    internal static void Render(CliContext context, BacktestResult result)
    {
        string[] headers = ["MAE", "RMSE", "MAPE %", "MASE", "direction %", .. result.Levels.Select(l => $"{Percent(l)}% cover"),
            .. result.Levels.Count > 0 ? [$"MSIS {Percent(result.Levels[^1])}"] : Array.Empty<string>()];
        var table = new Table().AddColumn("series").AddColumn("method");
        foreach (var name in headers) table.AddColumn(new TableColumn(name).RightAligned());
        var tall = new LongTable(["series", "method", .. headers]).RightAligned([.. Enumerable.Range(2, headers.Length)]);
        void Rows(string label, IReadOnlyDictionary<ForecastMethod, MethodScore> scores)
        {
            bool first = true;
            foreach (var method in BacktestResult.Methods)
            {
                if (!scores.TryGetValue(method, out var score)) continue;
                string name = method == ForecastMethod.Model ? $"[bold]{method.Name()}[/]" : method.Name();
                string[] cells;
                if (!score.Applies)
                {
                    cells = [.. Enumerable.Repeat("n/a", 5 + result.Levels.Count + (result.Levels.Count > 0 ? 1 : 0))];
                }
                else
                {
                    var m = score.Metrics;
                    cells = [NumberFormat.Significant(m.Mae, 4), NumberFormat.Significant(m.Rmse, 4), NumberFormat.Significant(m.Mape, 4),
                        NumberFormat.Significant(m.Mase, 4), NumberFormat.Significant(m.Direction * 100, 3),
                        .. result.Levels.Select(l => m.At(l) is { } i ? NumberFormat.Significant(i.Coverage * 100, 3) : "–"),
                        .. result.Levels.Count > 0 ? [m.At(result.Levels[^1]) is { } last ? NumberFormat.Significant(last.Msis, 4) : "–"] : Array.Empty<string>()];
                }
                table.AddRow([first ? Markup.Escape(label) : "", name, .. cells]);
                tall.AddRow([label, method.Name(), .. cells]);
                first = false;
            }
        }
        foreach (var s in result.Series) Rows(s.Symbol, s.Scores);
        if (result.Series.Count > 1) Rows("overall", result.OverallScores);
        var frequencies = result.Series.Select(s => s.Frequency).Distinct().ToList();
        context.Out.WriteLine(frequencies.Count == 1
            ? $"Dates: {frequencies[0]} (--season overrides)."
            : $"Dates: {string.Join("; ", result.Series.Select(s => $"{s.Symbol} {s.Frequency}"))} (--season overrides).");
        TableOutput.Write(context, table, tall);
        var notApplicable = result.Series.SelectMany(s => s.Scores.Values.Where(v => !v.Applies).Select(v => $"{v.Method.Name()} on {s.Symbol}: {v.NotApplicable}")).ToList();
        foreach (var line in notApplicable.Take(10)) context.Out.WriteLine($"n/a: {line}");
        if (notApplicable.Count > 10) context.Out.WriteLine($"n/a: … and {notApplicable.Count - 10} more (see --json)");
        if (result.Horizon > 1)
        {
            // Pooled scores hide how fast a method's errors grow: MASE at each step ahead, every origin.
            var steps = new Table().AddColumn("MASE by step");
            for (int k = 1; k <= result.Horizon; k++) steps.AddColumn(new TableColumn($"+{k}").RightAligned());
            var stepsTall = new LongTable("method", "step", "MASE by step").RightAligned(1, 2);
            foreach (var (method, score) in BacktestResult.Methods.Where(result.OverallScores.ContainsKey).Select(m => (m, result.OverallScores[m])).Where(x => x.Item2.Applies))
            {
                var mase = score.ByStep.Select(m => NumberFormat.Significant(m.Mase, 4)).ToList();
                steps.AddRow([method.Name(), .. mase]);
                for (int k = 0; k < mase.Count; k++) stepsTall.AddRow(method.Name(), $"+{k + 1}", mase[k]);
            }
            TableOutput.Write(context, steps, stepsTall);
        }
        context.Out.WriteLine(NaiveComparison.Of(result.Overall).Verdict(result.Horizon));
        context.Out.WriteLine(MethodRanking.Of(result).Sentence(result));
    }
}
