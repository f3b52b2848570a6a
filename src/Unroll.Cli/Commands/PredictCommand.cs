using Unroll.Data;
using System.CommandLine;
using System.Globalization;
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
        var reading = new ReadOptions("Only these series");
        var column = new Option<string?>("--column") { Description = "The column that holds the model's target in this file, when it has another name (default: the column the model was trained on)" };
        var horizon = Options.OptionalCount("--horizon", "Steps ahead (default: the model's horizon)", max: ForecastSettings.MaxHorizon);
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var csv = new Option<bool>("--csv") { Description = "Print CSV: symbol,step,date,last_date,forecast,lower_80,upper_80,lower_95,upper_95,naive,cold_start" };
        var levels = Options.Levels("--levels", "Prediction-interval levels, in percent", [0.8, 0.95]);
        var command = new Command("predict", "Forecast the next value(s) of each series with a trained model and its prediction intervals, beside the naive guess") { model, data, column };
        foreach (var option in reading.All) command.Add(option);
        var quiet = Options.Quiet();
        foreach (var option in new Option[] { horizon, levels, json, csv, quiet, Options.Threads() }) command.Add(option);
        command.SetAction(parse =>
        {
            context.Quiet = parse.GetValue(quiet);
            if (parse.GetValue(json) && parse.GetValue(csv)) throw new UserError("--json and --csv both given; choose one");
            var trained = ModelBundle.Load(parse.GetValue(model)!);
            var set = ReadWithTheModelsColumns(() => reading.Read(parse, context, parse.GetValue(data)!, parse.GetValue(column) ?? trained.TargetColumn, trained.FeatureNames),
                parse.GetValue(column) is not null);
            RequireHorizon(trained, parse.GetValue(horizon));
            var forecaster = trained.Serving(set);          // a new series too short to estimate from is refused here
            trained.RequireHistory(set);
            var notes = SeriesNotes(trained, forecaster, set);
            int steps = parse.GetValue(horizon) ?? forecaster.Settings.Horizon;
            var wanted = parse.GetValue(levels)!;
            var forecasts = set.Series.Select(s => forecaster.Predict(s, steps, wanted)).ToList();
            if (parse.GetValue(json))
            {
                var numbers = new JsonNumbers();
                context.Out.WriteLine(numbers.Finish(new JsonObject
                {
                    ["schema_version"] = 1,
                    ["column"] = set.TargetColumn,
                    ["horizon"] = steps,
                    ["series"] = new JsonArray(forecasts.Select(f => (JsonNode)new JsonObject
                    {
                        ["symbol"] = f.Symbol,
                        ["model_series"] = forecaster.ColdStart.Contains(f.Symbol) ? null : forecaster.StandsFor.GetValueOrDefault(f.Symbol, f.Symbol),
                        ["cold_start"] = forecaster.ColdStart.Contains(f.Symbol),
                        ["last_date"] = Timestamps.Format(f.LastDate),
                        ["last_value"] = numbers.Number(f.LastValue, "last_value"),
                        ["dates"] = f.Dates is { } dates ? new JsonArray(dates.Select(d => (JsonNode?)Timestamps.Format(d)).ToArray()) : null,
                        ["forecast"] = numbers.Numbers(f.Values, $"forecast of {f.Symbol}"),
                        ["intervals"] = new JsonObject(f.Intervals.SelectMany(i => new[]
                        {
                            KeyValuePair.Create($"lower_{Percent(i.Level)}", (JsonNode?)numbers.Numbers(i.Lower, $"lower_{Percent(i.Level)} of {f.Symbol}")),
                            KeyValuePair.Create($"upper_{Percent(i.Level)}", (JsonNode?)numbers.Numbers(i.Upper, $"upper_{Percent(i.Level)} of {f.Symbol}")),
                        })),
                        ["naive"] = numbers.Numbers(Enumerable.Repeat(f.LastValue, steps), $"naive of {f.Symbol}"),
                    }).ToArray()),
                    ["intervals_note"] = IntervalsNote(forecaster, forecasts),
                    ["notes"] = new JsonArray(notes.Select(n => (JsonNode?)n).ToArray()),
                }).ToJsonString());
                return UnrollCli.Ok;
            }
            if (parse.GetValue(csv))
            {
                if (!context.Quiet) foreach (var note in notes) context.Error.WriteLine($"note: {note}");
                WriteCsv(context.Out, forecasts, forecaster.ColdStart.Contains);
                return UnrollCli.Ok;
            }
            Render(context, forecaster, forecasts, set.TargetColumn);
            if (!context.Quiet) foreach (var note in notes) context.Out.WriteLine(note);
            return UnrollCli.Ok;
        });
        return command;
    }

    /// <summary>
    /// predict's CSV: one row per series and step, <c>symbol,step,date,last_date,forecast</c>, a lower and upper
    /// column per interval level, <c>naive</c> (the last value) and <c>cold_start</c> (<c>true</c> for a series new to
    /// the model). An empty date is a step whose date the series' spacing does not tell.
    /// </summary>
    internal static void WriteCsv(TextWriter destination, IReadOnlyList<SeriesForecast> forecasts, Func<string, bool> coldStart)
    {
        using var csv = CsvOutput.Create(destination);
        var levels = forecasts.FirstOrDefault()?.Intervals ?? [];
        csv.WriteHeader(["symbol", "step", "date", "last_date", "forecast",
            .. levels.SelectMany(l => new[] { $"lower_{Percent(l.Level)}", $"upper_{Percent(l.Level)}" }), "naive", "cold_start"]);
        foreach (var f in forecasts)
            for (int h = 0; h < f.Values.Length; h++)
            {
                csv.WriteField(f.Symbol);
                csv.WriteField(h + 1);
                csv.WriteField(StepDate(f, h));
                csv.WriteField(Timestamps.Format(f.LastDate));
                csv.WriteField(f.Values[h]);
                foreach (var i in f.Intervals)
                {
                    csv.WriteField(i.Lower[h]);
                    csv.WriteField(i.Upper[h]);
                }
                csv.WriteField(f.LastValue);
                csv.WriteField(coldStart(f.Symbol) ? "true" : "false");
                csv.EndRecord();
            }
    }

    /// <summary>
    /// Reads data whose target and feature columns come from a model rather than from --column and --features (which
    /// predict does not take): a column the file lacks is named as the model's, not as a flag's.
    /// </summary>
    internal static Unroll.Data.SeriesSet ReadWithTheModelsColumns(Func<Unroll.Data.SeriesSet> read, bool columnGiven = false)
    {
        try { return read(); }
        catch (Unroll.Data.DataException e) when (!columnGiven && e.Settings.Contains(Unroll.Data.Csv.CsvSettings.Column) || e.Settings.Contains(Unroll.Data.Csv.CsvSettings.Features))
        {
            throw new UserError(e.MessageWith(s =>
                s == Unroll.Data.Csv.CsvSettings.Column ? "the model, which was trained on that column; name the file's column that holds it with --column, or rename it to match" :
                s == Unroll.Data.Csv.CsvSettings.Features ? "the model, which was trained with that feature; the file needs it too" :
                Flags.Of(s)));
        }
    }

    /// <summary>
    /// A line for each way <paramref name="serving"/> goes beyond what <paramref name="trained"/> was trained on
    /// (<see cref="Forecaster.Serving"/>): the data's one series forecast as the model's one series, and the series new
    /// to the model (cold start), with what was estimated from their own history.
    /// </summary>
    internal static IReadOnlyList<string> SeriesNotes(Forecaster trained, Forecaster serving, Unroll.Data.SeriesSet data)
    {
        var notes = new List<string>();
        string file = Path.GetFileName(data.SourceFile);
        foreach (var (name, model) in serving.StandsFor.Where(kv => !trained.StandsFor.ContainsKey(kv.Key)))
            notes.Add($"Series: {file} holds one series, '{name}', forecast as the model's one series, '{model}', with the scaling and fits it was trained with.");
        var cold = data.Series.Select(s => s.Symbol).Where(serving.ColdStart.Contains).ToList();
        if (cold.Count > 0)
        {
            string named = cold.Count <= 10 ? string.Join(", ", cold.Select(c => $"'{c}'")) : string.Join(", ", cold.Take(10).Select(c => $"'{c}'")) + $" and {cold.Count - 10} more";
            string are = cold.Count == 1 ? "is" : "are";
            string trainedOn = trained.Symbols.Count() <= 10 ? string.Join(", ", trained.Symbols) : $"{trained.Symbols.Count()} series";
            string intervals = trained.Settings.CombineClassical ? "" : "; its intervals use the calibration measured on the training series";
            notes.Add($"Cold start: {named} {are} new to the model (trained on {trainedOn}): the trained network forecasts {(cold.Count == 1 ? "it" : "each")} " +
                $"with {trained.ColdStartEstimates()} estimated from its own history, as training estimates a series' from its training part{intervals}.");
        }
        // A series whose dates keep no step (a month missing from monthly data) is forecast from its values as if they
        // were one step apart, which the forecast's quality and dates depend on: say so rather than print '?' alone.
        foreach (var series in data.Series.Where(s => s.Length >= 2))
            if (Frequency.Infer(series) is { IsRegular: false, Reason: { } why })
                notes.Add($"Dates: series '{series.Symbol}' has irregular dates ({why}): its values are taken as consecutive steps, " +
                    "so a gap counts as one step and a season's pattern shifts past it, and its forecasts carry no dates. Add the missing rows to forecast it as its dates say.");
        return notes;
    }

    /// <summary>A direct model forecasts only the horizon it was trained for: refuse another one before any work.</summary>
    internal static void RequireHorizon(Forecaster forecaster, int? horizon)
    {
        if (horizon is int h && forecaster.Settings.Strategy == ForecastStrategy.Direct && h != forecaster.Settings.Horizon)
            throw new UserError($"this model forecasts {forecaster.Settings.Horizon} steps at once (--strategy direct) and cannot forecast {h}: drop --horizon, or train with --horizon {h} or --strategy recursive");
    }

    /// <summary>Where the intervals come from, or why there are none.</summary>
    private static string IntervalsNote(Forecaster forecaster, IReadOnlyList<SeriesForecast> forecasts)
    {
        var shown = forecasts.Select(f => f.Symbol).ToHashSet(StringComparer.Ordinal);
        if (forecaster.Calibration is not { } c) return "this model was saved before Unroll gave intervals; train it again to get them";
        if (forecaster.Settings.CombineClassical && forecaster.ClassicalFitLengths.Count > 0)
        {
            var leftOut = forecaster.LeftOut.Where(kv => kv.Value.Count > 0 && shown.Contains(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}: {forecaster.DescribeFor(kv.Key)}").ToList();
            // When every series shown is an exception, the rule is not theirs: say what each is.
            string forecastsAre = leftOut.Count == 0 ? "forecasts are half the network's, half ETS's and Theta's"
                : leftOut.Count == shown.Count ? $"forecasts are {string.Join("; ", leftOut)}"
                : $"forecasts are half the network's, half ETS's and Theta's (except {string.Join("; ", leftOut)})";
            return $"{forecastsAre}; intervals are the widths of the ETS and Theta forecasts kept, around them (the network alone's would be split-conformal, {c.Describe()})";
        }
        return $"the network's intervals are split-conformal, {c.Describe()}";
    }

    // The date of step h (from 0), or empty when the series' dates are too irregular to say.
    private static string StepDate(SeriesForecast forecast, int h)
        => forecast.Dates is { } dates ? Timestamps.Format(dates[h]) : "";

    internal static string Percent(double level) => (level * 100).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>
    /// One row per series and step: the forecast, its intervals, and the naive guess. A bordered table on a terminal
    /// wide enough for it; otherwise the long layout, whose every line names its series and step and holds each
    /// interval's bounds as two columns, so no number is split.
    /// </summary>
    /// <param name="context">Where to write.</param>
    /// <param name="forecaster">The model that forecast.</param>
    /// <param name="forecasts">Each series' forecast.</param>
    /// <param name="column">The file's name for the target (predict --column), when not the model's.</param>
    internal static void Render(CliContext context, Forecaster forecaster, IReadOnlyList<SeriesForecast> forecasts, string? column = null)
    {
        int steps = forecasts.Count == 0 ? 0 : forecasts[0].Values.Length;
        var levels = forecasts.FirstOrDefault()?.Intervals.Select(i => i.Level).ToList() ?? [];
        var table = new Table().AddColumn("series").AddColumn("last date").AddColumn(new TableColumn($"last {Markup.Escape(column ?? forecaster.TargetColumn)}").RightAligned());
        if (steps > 1) table.AddColumn(new TableColumn("step").RightAligned());
        table.AddColumn("date");
        table.AddColumn(new TableColumn("forecast").RightAligned());
        foreach (var level in levels) table.AddColumn(new TableColumn($"{Percent(level)}% interval").RightAligned());
        table.AddColumn(new TableColumn("naive").RightAligned()).AddColumn(new TableColumn("change").RightAligned());
        var tall = new LongTable(["series", "last date", $"last {column ?? forecaster.TargetColumn}", "step", "date", "forecast",
            .. levels.SelectMany(l => new[] { $"{Percent(l)}% low", $"{Percent(l)}% high" }), "naive", "change"]);
        tall.RightAligned([2, 3, 5, .. Enumerable.Range(6, 2 * levels.Count + 2)]);
        foreach (var f in forecasts)
            for (int h = 0; h < f.Values.Length; h++)
            {
                double change = f.LastValue == 0 ? double.NaN : (f.Values[h] / f.LastValue - 1) * 100;
                string changeText = double.IsNaN(change) ? "–" : Math.Abs(change) < 0.05 ? "0.0%" : change.ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + "%";
                string lastDate = Timestamps.Format(f.LastDate), date = StepDate(f, h) is { Length: > 0 } d ? d : "?";
                bool first = h == 0;
                table.AddRow([first ? Markup.Escape(f.Symbol) : "", first ? lastDate : "",
                    first ? NumberFormat.Significant(f.LastValue) : "",
                    .. steps > 1 ? [$"+{h + 1}"] : Array.Empty<string>(),
                    date,
                    NumberFormat.Significant(f.Values[h]),
                    .. f.Intervals.Select(i => $"{NumberFormat.Significant(i.Lower[h], 5)} – {NumberFormat.Significant(i.Upper[h], 5)}"),
                    NumberFormat.Significant(f.LastValue),
                    changeText]);
                tall.AddRow([f.Symbol, lastDate, NumberFormat.Significant(f.LastValue), $"+{h + 1}", date, NumberFormat.Significant(f.Values[h]),
                    .. f.Intervals.SelectMany(i => new[] { NumberFormat.Significant(i.Lower[h], 5), NumberFormat.Significant(i.Upper[h], 5) }),
                    NumberFormat.Significant(f.LastValue), changeText]);
            }
        TableOutput.Write(context, table, tall);
        context.Out.WriteLine("naive = the last value, repeated; change = the forecast against it.");
        context.Out.WriteLine($"Intervals: {IntervalsNote(forecaster, forecasts)}.");
    }
}
