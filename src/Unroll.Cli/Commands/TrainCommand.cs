using System.CommandLine;
using System.Text.Json;
using Unroll.Core;
using Unroll.Forecasting;

namespace Unroll.Cli.Commands;

/// <summary>`unroll train`: one global model over every series of a CSV, saved with everything needed to predict.</summary>
internal static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var options = new ForecastOptions();
        var output = new Option<string>("--out") { Description = "Model file to write (safetensors)", Required = true };
        var json = new Option<bool>("--json") { Description = "Print a JSON summary instead of text" };
        var command = new Command("train", "Train one recurrent network on all series of a CSV (ragged lengths welcome) and save it");
        foreach (var o in options.DataOptions.Concat(options.TrainingOptions)) command.Add(o);
        command.Add(output);
        command.Add(json);
        command.SetAction(parse =>
        {
            var settings = options.Settings(parse, testFraction: 0);
            var path = parse.GetValue(output)!;
            Arguments.RequireWritableFile(path, "--out", "model.safetensors");
            var data = options.ReadData(parse);
            var fit = TrainingRunner.Run(context, "training", settings.Epochs, (progress, token) => Forecaster.Fit(data, settings, progress, token));
            ModelBundle.Save(fit.Forecaster, path);
            var best = fit.History.FirstOrDefault(h => h.Epoch == fit.BestEpoch);
            if (parse.GetValue(json))
            {
                context.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    model = path,
                    series = data.Series.Select(s => new { symbol = s.Symbol, points = s.Length }),
                    epochs_run = fit.History.Count,
                    best_epoch = fit.BestEpoch,
                    stop = fit.Stop.ToString().ToLowerInvariant(),
                    train_loss = best?.TrainLoss,
                    validation_loss = best?.ValidationLoss,
                    train_windows = fit.TrainWindows,
                    validation_windows = fit.ValidationWindows,
                }));
                return UnrollCli.Ok;
            }
            var o = context.Out;
            o.WriteLine($"Trained one {settings.Cell.ToName()} model on {data.Series.Count} series ({string.Join(", ", data.Series.Select(s => $"{s.Symbol} {s.Length}"))} points): {fit.TrainWindows} training and {fit.ValidationWindows} validation windows.");
            o.WriteLine(fit.Stop switch
            {
                StopReason.EarlyStopped => $"Stopped early after {fit.History.Count} epochs: the validation loss had not improved for {settings.Patience}.",
                StopReason.Cancelled => $"Stopped by Ctrl-C after {fit.History.Count} epochs.",
                _ => $"Ran all {fit.History.Count} epochs.",
            });
            if (best is not null)
                o.WriteLine(FormattableString.Invariant($"Kept the weights of epoch {fit.BestEpoch}: training loss {best.TrainLoss:G4}, validation loss {(best.ValidationLoss is double v ? v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture) : "–")} (scaled units)."));
            o.WriteLine($"Saved {path}. Next: unroll predict --model {path} --data {parse.GetValue(options.Data)}");
            return UnrollCli.Ok;
        });
        return command;
    }
}
