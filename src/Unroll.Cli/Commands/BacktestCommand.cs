using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Unroll.Forecasting;

namespace Unroll.Cli.Commands;

/// <summary>`unroll backtest`: walk forward over each series' test period, the model beside naive, drift and moving average.</summary>
internal static class BacktestCommand
{
    public static Command Create(CliContext context)
    {
        var options = new ForecastOptions();
        var model = new Option<string?>("--model") { Description = "Evaluate this trained model (else one is trained with the training options on the data before the test period)" };
        var test = new Option<double>("--test") { Description = "Fraction at the end of each series to walk forward over", DefaultValueFactory = _ => 0.2 };
        var report = new Option<string?>("--report") { Description = "Folder to write an HTML report (index.html with plots and the metrics table)" };
        var json = new Option<bool>("--json") { Description = "Print the metrics as JSON" };
        var command = new Command("backtest", "Walk-forward backtest of the model against the naive, drift and moving-average forecasts: MAE, RMSE, MAPE, MASE, direction");
        foreach (var o in options.DataOptions.Concat(options.TrainingOptions)) command.Add(o);
        command.Add(model);
        command.Add(test);
        command.Add(report);
        command.Add(json);
        command.SetAction(parse =>
        {
            double testFraction = parse.GetValue(test);
            if (!(testFraction > 0 && testFraction < 0.9)) throw new UserError($"--test must be a fraction in (0, 0.9), got {testFraction}");
            var reportDir = parse.GetValue(report);
            RequireReportFolder(reportDir);
            BacktestResult result;
            ForecastSettings used;
            var modelPath = parse.GetValue(model);
            if (modelPath is not null)
            {
                var forecaster = ModelBundle.Load(modelPath);
                var data = options.ReadData(parse, forecaster);
                int? horizon = parse.GetResult(options.Horizon) is { Implicit: false } ? parse.GetValue(options.Horizon) : null;
                result = Backtester.Run(forecaster, data, testFraction, horizon);
                used = forecaster.Settings with { TestFraction = testFraction };
                if (testFraction > forecaster.Settings.TestFraction)
                    context.Error.WriteLine($"warning: {modelPath} was trained on data that reaches into this test period (it held out {forecaster.Settings.TestFraction * 100:F0}% of each series, this backtest scores the last {testFraction * 100:F0}%), so its scores flatter it; for an honest score run backtest without --model");
            }
            else
            {
                var settings = options.Settings(parse, testFraction);
                var data = options.ReadData(parse);
                result = TrainingRunner.Run(context, "training", settings.Epochs, (progress, token) => Backtester.Run(data, settings, progress, token));
                used = settings;
            }
            if (reportDir is not null) ReportWriter.Write(result, parse.GetValue(options.Data)!, reportDir, used);
            if (parse.GetValue(json))
            {
                context.Out.WriteLine(ToJson(result).ToJsonString());
                return UnrollCli.Ok;
            }
            Render(context, result);
            if (reportDir is not null) context.Out.WriteLine($"Report: {Path.Combine(reportDir, "index.html")}");
            return UnrollCli.Ok;
        });
        return command;
    }

    internal static void RequireReportFolder(string? dir)
    {
        if (dir is null) return;
        if (File.Exists(dir)) throw new UserError($"--report {dir} is a file; give a folder for index.html");
        var parent = Path.GetDirectoryName(Path.GetFullPath(dir))!;
        if (!Directory.Exists(parent)) throw new UserError($"--report {dir}: the folder {parent} does not exist; create it first");
    }

    internal static JsonObject ToJson(BacktestResult result)
    {
        JsonObject Methods(IReadOnlyDictionary<string, Metrics> metrics)
        {
            var o = new JsonObject();
            foreach (var m in BacktestResult.Methods) o[m] = MetricsJson(metrics[m]);
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
            foreach (var m in BacktestResult.Methods) entry[m] = MetricsJson(s.Metrics[m]);
            series.Add(entry);
        }
        root["series"] = series;
        return root;
    }

    private static JsonObject MetricsJson(Metrics m) => new()
    {
        ["mae"] = Number(m.Mae),
        ["rmse"] = Number(m.Rmse),
        ["mape"] = Number(m.Mape),
        ["mase"] = Number(m.Mase),
        ["direction"] = Number(m.Direction),
        ["points"] = m.Count,
    };

    private static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    internal static void Render(CliContext context, BacktestResult result)
    {
        var table = new Table().AddColumn("series").AddColumn("method");
        foreach (var name in new[] { "MAE", "RMSE", "MAPE %", "MASE", "direction %" }) table.AddColumn(new TableColumn(name).RightAligned());
        void Rows(string label, IReadOnlyDictionary<string, Metrics> metrics)
        {
            bool first = true;
            foreach (var method in BacktestResult.Methods)
            {
                var m = metrics[method];
                table.AddRow(first ? Markup.Escape(label) : "", method == "model" ? "[bold]model[/]" : method,
                    ForecastOptions.Format(m.Mae, 3), ForecastOptions.Format(m.Rmse, 3), ForecastOptions.Format(m.Mape, 2),
                    ForecastOptions.Format(m.Mase, 3), ForecastOptions.Format(m.Direction * 100, 1));
                first = false;
            }
        }
        foreach (var s in result.Series) Rows(s.Symbol, s.Metrics);
        Rows("overall", result.Overall);
        context.Console.Write(table);
        double model = result.Overall["model"].Mase, naive = result.Overall["naive"].Mase;
        context.Out.WriteLine(Verdict(model, naive, result.Horizon));
    }

    internal static string Verdict(double model, double naive, int horizon)
    {
        if (double.IsNaN(model) || double.IsNaN(naive)) return "Too few test points to compare the model with the naive forecast.";
        string steps = horizon == 1 ? "one step ahead" : $"over {horizon} steps ahead";
        return model < naive
            ? FormattableString.Invariant($"Overall, {steps}, the model's MASE is {model:F3} against the naive forecast's {naive:F3}: it beats guessing the last value by {(1 - model / naive) * 100:F1}%.")
            : FormattableString.Invariant($"Overall, {steps}, the model's MASE is {model:F3} against the naive forecast's {naive:F3}: it does not beat guessing the last value.");
    }
}
