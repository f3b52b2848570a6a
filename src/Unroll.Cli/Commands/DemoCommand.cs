using System.CommandLine;
using Unroll.Core;
using Unroll.Data.Csv;
using Unroll.Forecasting;

namespace Unroll.Cli.Commands;

/// <summary>`unroll demo`: the main job on the bundled sample: train, forecast next month, backtest, write the report.</summary>
internal static class DemoCommand
{
    /// <summary>The bundled sample: monthly prices of five companies, 2000–2010, GOOG's history shorter.</summary>
    internal static string BundledData => Path.Combine(AppContext.BaseDirectory, "data", "stocks.csv");

    public static Command Create(CliContext context)
    {
        var data = new Option<string?>("--data") { Description = "CSV to use instead of the bundled sample (data/stocks.csv)" };
        var report = new Option<string>("--report") { Description = "Folder for the HTML report and the trained model", DefaultValueFactory = _ => "unroll-demo" };
        var epochs = Options.Count("--epochs", "Most epochs per training run", 100);
        var seed = Options.Seed("Seed", 42);
        var missing = ReadOptions.MissingOption();
        var name = ReadOptions.NameOption();
        var quiet = Options.Quiet();
        var command = new Command("demo", "Train a small LSTM on the bundled stock prices, forecast next month beside the naive guess, backtest against baselines and write a report") { data, name, report, epochs, seed, missing, quiet, Options.Threads() };
        command.SetAction(parse =>
        {
            context.Quiet = parse.GetValue(quiet);
            var path = parse.GetValue(data) ?? BundledData;
            // Name the bundled sample by the copy beside the user when there is one (the repository's data/).
            var shown = path == BundledData && File.Exists(Path.Combine("data", "stocks.csv")) ? Path.Combine("data", "stocks.csv") : path;
            ForecastOptions.RequireDataFile(path);
            var reportDir = parse.GetValue(report)!;
            new OutputGuard().Input("--data", path).Report("--report", reportDir, ModelFileName).Check();
            var settings = new ForecastSettings { Epochs = parse.GetValue(epochs), Seed = parse.GetValue(seed) };
            settings.Validate();
            context.Activity = "reading the data";
            var set = DataReading.Read(context, path, new CsvReadOptions { Missing = parse.GetValue(missing), Name = parse.GetValue(name) });
            if (!context.Quiet) ReadOptions.NoteMissing(set, parse.GetValue(missing), context.Error);
            var o = context.Out;
            // The data and the model described: notes, which --quiet leaves out.
            if (!context.Quiet)
            {
                o.WriteLine($"Data: {shown}: {set.Series.Count} series of monthly {set.TargetColumn} ({string.Join(", ", set.Series.Select(s => $"{s.Symbol} {s.Length}"))} points).");
                o.WriteLine($"Model: one {settings.Cell.ToName()} ({settings.HiddenSize} hidden units) over all series, windows of {settings.Lookback} months, " +
                    (settings.IsRelative ? "each window relative to its last price, in units of its series' typical monthly move" : "each series scaled on its own training part") +
                    (settings.CombineClassical ? "; the forecast is half the network's and half ETS's and Theta's (the network alone is scored beside it)." : "."));
                o.WriteLine();
            }

            var backtestSettings = settings with { TestFraction = 0.2 };
            var backtest = TrainingRunner.Run(context, "backtest training", settings.Epochs, (p, t) => Backtester.Run(set, backtestSettings, p, t));
            if (Stopped(context, backtest.Fit!, backtestSettings) is int stopped) return stopped;
            var fit = TrainingRunner.Run(context, "final training", settings.Epochs, (p, t) => Forecaster.Fit(set, settings, p, t));
            if (Stopped(context, fit, settings) is int stoppedFinal) return stoppedFinal;

            o.WriteLine("Next month's forecast (model trained on all the data):");
            PredictCommand.Render(context, fit.Forecaster, set.Series.Select(s => fit.Forecaster.Predict(s, 1, [0.8, 0.95])).ToList());
            o.WriteLine();
            o.WriteLine($"Backtest: a model trained on the first 80% of each series, walked forward one month at a time over the last 20%:");
            BacktestCommand.Render(context, backtest);

            context.Activity = $"writing the report to {reportDir}";
            ReportWriter.Write(backtest, shown, reportDir, backtestSettings);
            var modelPath = Path.Combine(reportDir, ModelFileName);
            context.Activity = $"saving the model to {modelPath}";
            ModelBundle.Save(fit.Forecaster, modelPath);
            o.WriteLine();
            o.WriteLine($"Report: {Path.Combine(reportDir, "index.html")}   Model: {modelPath}");
            if (!context.Quiet) o.WriteLine($"Try: unroll predict --model {modelPath} --data {shown} --horizon 3");
            return UnrollCli.Ok;
        });
        return command;
    }

    private const string ModelFileName = "model.safetensors";

    // A demo stopped by Ctrl-C or whose training learned nothing writes nothing: its exit code, or null to go on.
    private static int? Stopped(CliContext context, FitResult fit, ForecastSettings settings)
    {
        if (TrainingOutcome.Failure(fit, settings, debugNumerics: false, context) is { } failure)
        {
            context.Error.WriteLine($"error: {failure}; the demo wrote nothing");
            return fit.Stop == StopReason.Cancelled ? context.InterruptionExitCode : UnrollCli.Failed;
        }
        if (fit.Stop == StopReason.Cancelled)
        {
            context.Error.WriteLine($"error: stopped by {context.InterruptionName}; the demo wrote nothing");
            return context.InterruptionExitCode;
        }
        if (TrainingOutcome.Warning(fit, settings, debugNumerics: false) is { } warning) context.Error.WriteLine($"warning: {warning}");
        return null;
    }
}
