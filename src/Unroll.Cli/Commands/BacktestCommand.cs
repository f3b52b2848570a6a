using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Unroll.Forecasting;
using Unroll.Charts;

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
        var command = new Command("backtest", "Walk-forward backtest of the model against the naive, drift and moving-average forecasts: MAE, RMSE, MAPE, MASE, direction");
        foreach (var o in options.DataOptions.Concat(options.TrainingOptions)) command.Add(o);
        command.Add(model);
        command.Add(test);
        command.Add(report);
        command.Add(json);
        command.Add(debugNumerics);
        command.SetAction(parse =>
        {
            double testFraction = parse.GetValue(test);
            var reportDir = parse.GetValue(report);
            var modelPath = parse.GetValue(model);
            new OutputGuard().Input("--data", parse.GetValue(options.Data)).Input("--model", modelPath).Report("--report", reportDir).Check();
            BacktestResult result;
            ForecastSettings used;
            if (modelPath is not null)
            {
                if (parse.GetValue(debugNumerics))
                    throw new UserError("--debug-numerics diagnoses training, and with --model nothing is trained: drop one of them");
                var forecaster = ModelBundle.Load(modelPath);
                context.Activity = "reading the data";
                var data = options.ReadData(parse, forecaster);
                int? horizon = parse.GetResult(options.Horizon) is { Implicit: false } ? parse.GetValue(options.Horizon) : null;
                PredictCommand.RequireHorizon(forecaster, horizon);
                context.Activity = "walking the model forward over the test period";
                result = Backtester.Run(forecaster, data, testFraction, horizon);
                used = forecaster.Settings with { TestFraction = testFraction };
                if (testFraction > forecaster.Settings.TestFraction)
                    context.Error.WriteLine($"warning: {modelPath} was trained on data that reaches into this test period (it held out {forecaster.Settings.TestFraction * 100:F0}% of each series, this backtest scores the last {testFraction * 100:F0}%), so its scores flatter it; for an honest score run backtest without --model");
            }
            else
            {
                var settings = options.Settings(parse, testFraction);
                context.Activity = "reading the data";
                var data = options.ReadData(parse);
                bool debug = parse.GetValue(debugNumerics);
                var run = new TrainingRunOptions { DebugNumerics = debug };
                result = TrainingRunner.Run(context, "training", settings.Epochs,
                    (progress, token) => Backtester.Run(data, settings, progress, token, run));
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
            int code = result.Fit?.Stop == StopReason.Cancelled ? context.InterruptionExitCode : UnrollCli.Ok;
            if (parse.GetValue(json))
            {
                context.Out.WriteLine(ToJson(result).ToJsonString());
                return code;
            }
            Render(context, result);
            if (result.Fit?.Stop == StopReason.Cancelled)
                context.Out.WriteLine($"Training was stopped by {context.InterruptionName} after {result.Fit.History.Count} epochs; these scores are of its best weights so far (epoch {result.Fit.BestEpoch}).");
            if (reportDir is not null) context.Out.WriteLine($"Report: {Path.Combine(reportDir, "index.html")}");
            return code;
        });
        return command;
    }

    internal static JsonObject ToJson(BacktestResult result)
    {
        var numbers = new JsonNumbers();
        JsonObject Methods(IReadOnlyDictionary<ForecastMethod, Metrics> metrics)
        {
            var o = new JsonObject();
            foreach (var m in BacktestResult.Methods) o[m.Name()] = MetricsJson(metrics[m], numbers);
            return o;
        }
        var root = new JsonObject { ["horizon"] = result.Horizon, ["overall"] = Methods(result.Overall) };
        var series = new JsonArray();
        foreach (var s in result.Series)
        {
            var entry = new JsonObject
            {
                ["symbol"] = s.Symbol,
                ["test_start"] = s.Series.Dates[s.TestStart].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["origins"] = s.Origins.Count,
            };
            foreach (var m in BacktestResult.Methods) entry[m.Name()] = MetricsJson(s.Metrics[m], numbers);
            series.Add(entry);
        }
        root["series"] = series;
        return numbers.Finish(root);
    }

    // A metric that could not be computed (no naive scale for MASE, a zero actual for MAPE) is NaN: null, with a note.
    private static JsonObject MetricsJson(Metrics m, JsonNumbers numbers) => new()
    {
        ["mae"] = numbers.Number(m.Mae, "mae"),
        ["rmse"] = numbers.Number(m.Rmse, "rmse"),
        ["mape"] = numbers.Number(m.Mape, "mape"),
        ["mase"] = numbers.Number(m.Mase, "mase"),
        ["direction"] = numbers.Number(m.Direction, "direction"),
        ["points"] = m.Count,
    };

    internal static void Render(CliContext context, BacktestResult result)
    {
        var table = new Table().AddColumn("series").AddColumn("method");
        foreach (var name in new[] { "MAE", "RMSE", "MAPE %", "MASE", "direction %" }) table.AddColumn(new TableColumn(name).RightAligned());
        void Rows(string label, IReadOnlyDictionary<ForecastMethod, Metrics> metrics)
        {
            bool first = true;
            foreach (var method in BacktestResult.Methods)
            {
                var m = metrics[method];
                table.AddRow(first ? Markup.Escape(label) : "", method == ForecastMethod.Model ? $"[bold]{method.Name()}[/]" : method.Name(),
                    NumberFormat.Significant(m.Mae, 4), NumberFormat.Significant(m.Rmse, 4), NumberFormat.Significant(m.Mape, 4),
                    NumberFormat.Significant(m.Mase, 4), NumberFormat.Significant(m.Direction * 100, 3));
                first = false;
            }
        }
        foreach (var s in result.Series) Rows(s.Symbol, s.Metrics);
        Rows("overall", result.Overall);
        context.Console.Write(table);
        context.Out.WriteLine(NaiveComparison.Of(result.Overall).Verdict(result.Horizon));
    }
}
