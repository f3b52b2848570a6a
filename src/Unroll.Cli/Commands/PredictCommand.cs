using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Spectre.Console;
using Unroll.Data.Csv;
using Unroll.Forecasting;
using Unroll.Charts;

namespace Unroll.Cli.Commands;

/// <summary>`unroll predict`: the next value(s) of each series in original units, beside the naive guess.</summary>
internal static class PredictCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "Model file written by 'unroll train'", Required = true };
        var data = new Option<string>("--data") { Description = "CSV with the series' history (the same columns the model was trained on)", Required = true };
        var symbol = new Option<string[]>("--symbol") { Description = "Only these series", AllowMultipleArgumentsPerToken = true };
        var sort = new Option<bool>("--sort") { Description = "Sort rows by date instead of refusing dates out of order" };
        var decimalMark = ForecastOptions.DecimalOption();
        var horizon = Options.OptionalCount("--horizon", "Steps ahead (default: the model's horizon)", max: 10_000);
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var csv = new Option<bool>("--csv") { Description = "Print CSV: symbol,step,last_date,forecast,naive" };
        var command = new Command("predict", "Forecast the next value(s) of each series with a trained model, beside the naive guess") { model, data, symbol, sort, decimalMark, horizon, json, csv };
        command.SetAction(parse =>
        {
            if (parse.GetValue(json) && parse.GetValue(csv)) throw new UserError("--json and --csv both given; choose one");
            var forecaster = ModelBundle.Load(parse.GetValue(model)!);
            var path = parse.GetValue(data)!;
            ForecastOptions.RequireDataFile(path);
            var set = CsvSeriesReader.Read(path, new CsvReadOptions
            {
                Column = forecaster.TargetColumn,
                Features = forecaster.FeatureNames,
                Symbols = (parse.GetValue(symbol) ?? []).SelectMany(s => ForecastOptions.SplitList(s)).ToList(),
                Sort = parse.GetValue(sort),
                DecimalSeparator = parse.GetValue(decimalMark)![0],
            });
            RequireHorizon(forecaster, parse.GetValue(horizon));
            int steps = parse.GetValue(horizon) ?? forecaster.Settings.Horizon;
            var forecasts = set.Series.Select(s => forecaster.Predict(s, steps)).ToList();
            if (parse.GetValue(json))
            {
                var numbers = new JsonNumbers();
                context.Out.WriteLine(numbers.Finish(new JsonObject
                {
                    ["column"] = forecaster.TargetColumn,
                    ["horizon"] = steps,
                    ["series"] = new JsonArray(forecasts.Select(f => (JsonNode)new JsonObject
                    {
                        ["symbol"] = f.Symbol,
                        ["last_date"] = f.LastDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        ["last_value"] = numbers.Number(f.LastValue, "last_value"),
                        ["forecast"] = numbers.Numbers(f.Values, $"forecast of {f.Symbol}"),
                        ["naive"] = numbers.Numbers(Enumerable.Repeat(f.LastValue, steps), $"naive of {f.Symbol}"),
                    }).ToArray()),
                }).ToJsonString());
                return UnrollCli.Ok;
            }
            if (parse.GetValue(csv))
            {
                var text = new StringBuilder("symbol,step,last_date,forecast,naive\n");
                foreach (var f in forecasts)
                    for (int h = 0; h < f.Values.Length; h++)
                        text.Append(CultureInfo.InvariantCulture, $"{f.Symbol},{h + 1},{f.LastDate:yyyy-MM-dd},{f.Values[h]:R},{f.LastValue:R}\n");
                context.Out.Write(text.ToString());
                return UnrollCli.Ok;
            }
            Render(context, forecaster.TargetColumn, forecasts);
            return UnrollCli.Ok;
        });
        return command;
    }

    /// <summary>A direct model forecasts only the horizon it was trained for: refuse another one before any work.</summary>
    internal static void RequireHorizon(Forecaster forecaster, int? horizon)
    {
        if (horizon is int h && forecaster.Settings.Strategy == ForecastStrategy.Direct && h != forecaster.Settings.Horizon)
            throw new UserError($"this model forecasts {forecaster.Settings.Horizon} steps at once (--strategy direct) and cannot forecast {h}: drop --horizon, or train with --horizon {h} or --strategy recursive");
    }

    internal static void Render(CliContext context, string column, IReadOnlyList<SeriesForecast> forecasts)
    {
        int steps = forecasts.Count == 0 ? 0 : forecasts[0].Values.Length;
        var table = new Table().AddColumn("series").AddColumn("last date").AddColumn(new TableColumn($"last {column}").RightAligned());
        for (int h = 1; h <= steps; h++) table.AddColumn(new TableColumn(steps == 1 ? "forecast" : $"+{h}").RightAligned());
        table.AddColumn(new TableColumn("naive").RightAligned()).AddColumn(new TableColumn("change").RightAligned());
        foreach (var f in forecasts)
        {
            double change = f.LastValue == 0 ? double.NaN : (f.Values[0] / f.LastValue - 1) * 100;
            table.AddRow([Markup.Escape(f.Symbol), f.LastDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), NumberFormat.Significant(f.LastValue),
                .. f.Values.Select(v => NumberFormat.Significant(v)), NumberFormat.Significant(f.LastValue),
                double.IsNaN(change) ? "–" : Math.Abs(change) < 0.05 ? "0.0%" : change.ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + "%"]);
        }
        context.Console.Write(table);
        context.Out.WriteLine("naive = the last value, repeated; change = the first forecast step against it.");
    }
}
