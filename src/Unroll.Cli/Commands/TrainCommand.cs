using System.CommandLine;
using System.Text.Json.Nodes;
using Unroll.Core;
using Unroll.Forecasting;
using Unroll.Charts;

namespace Unroll.Cli.Commands;

/// <summary>`unroll train`: one global model over every series of a CSV, saved with everything needed to predict.</summary>
internal static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var options = new ForecastOptions();
        var output = new Option<string>("--out") { Description = "Model file to write (safetensors)", Required = true };
        var json = new Option<bool>("--json") { Description = "Print a JSON summary instead of text" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Also keep a checkpoint here (written atomically every --checkpoint-every epochs, on Ctrl-C and at the end) to continue later with --resume" };
        var checkpointEvery = Options.Count("--checkpoint-every", "Epochs between checkpoints", 1);
        var resume = new Option<string?>("--resume") { Description = "Continue the run saved in this checkpoint: same data and options; --epochs counts every epoch, resumed or not" };
        var debugNumerics = new Option<bool>("--debug-numerics") { Description = "When a batch's loss or gradient is not finite, name the layer, time step and tensor where it first appears" };
        var quiet = Options.Quiet();
        var command = new Command("train", "Train one recurrent network on all series of a CSV (ragged lengths welcome) and save it");
        foreach (var o in options.DataOptions.Concat(options.TrainingOptions)) command.Add(o);
        foreach (var o in new Option[] { output, json, checkpoint, checkpointEvery, resume, debugNumerics, quiet, Options.Threads() }) command.Add(o);
        command.SetAction(parse =>
        {
            context.Quiet = parse.GetValue(quiet);
            var settings = options.Settings(parse, testFraction: 0);
            string path = parse.GetValue(output)!, dataPath = parse.GetValue(options.Data)!;
            string? checkpointPath = parse.GetValue(checkpoint), resumePath = parse.GetValue(resume);
            if (parse.GetResult(checkpointEvery) is { Implicit: false } && checkpointPath is null)
                throw new UserError("--checkpoint-every needs --checkpoint FILE: where to write the checkpoints");
            if (resumePath is not null && !File.Exists(resumePath))
                throw new UserError(Directory.Exists(resumePath) ? $"--resume {resumePath} is a folder; give the checkpoint file written by --checkpoint"
                    : $"--resume {resumePath} does not exist; give the checkpoint file an earlier 'unroll train --checkpoint' wrote");
            new OutputGuard().Input("--data", dataPath).Input("--resume", resumePath)
                .File("--out", path, "model.safetensors", OutputKind.Model).File("--checkpoint", checkpointPath, "run.ckpt", OutputKind.Model).Check();

            context.Activity = "reading the data";
            var data = options.ReadData(parse, context);
            context.Activity = "preparing the training windows";
            var session = resumePath is null ? TrainingSession.Start(data, settings) : TrainingSession.Resume(resumePath, data, settings);
            bool debug = parse.GetValue(debugNumerics);
            var run = new TrainingRunOptions { CheckpointPath = checkpointPath, CheckpointEvery = parse.GetValue(checkpointEvery), DebugNumerics = debug };
            var fit = TrainingRunner.Run(context, "training", settings.Epochs, (progress, token) => session.Run(progress, token, run));

            bool interrupted = fit.Stop == StopReason.Cancelled;
            if (fit.CheckpointProblem is { } problem)
                context.Error.WriteLine($"warning: {problem}; training went on without checkpoints");
            string? resumeHint = interrupted && checkpointPath is not null && fit.CheckpointProblem is null
                ? $"Checkpoint: {checkpointPath}. Continue with: unroll {string.Join(' ', ResumeArguments(parse, checkpointPath))}" : null;
            if (TrainingOutcome.Failure(fit, settings, debug, context) is { } failure)
            {
                if (resumeHint is not null) context.Out.WriteLine(resumeHint);
                context.Error.WriteLine($"error: {failure}; {path} was not written");
                return interrupted ? context.InterruptionExitCode : UnrollCli.Failed;
            }
            context.Activity = $"saving the model to {path}";
            ModelBundle.Save(fit.Forecaster, path);
            if (TrainingOutcome.Warning(fit, settings, debug) is { } warning) context.Error.WriteLine($"warning: {warning}");
            int code = interrupted ? context.InterruptionExitCode : UnrollCli.Ok;
            var best = fit.History.FirstOrDefault(h => h.Epoch == fit.BestEpoch);
            if (parse.GetValue(json))
            {
                var numbers = new JsonNumbers();
                context.Out.WriteLine(numbers.Finish(new JsonObject
                {
                    ["model"] = path,
                    ["series"] = new JsonArray(data.Series.Select(s => (JsonNode)new JsonObject { ["symbol"] = s.Symbol, ["points"] = s.Length }).ToArray()),
                    ["epochs_run"] = fit.History.Count,
                    ["best_epoch"] = fit.BestEpoch,
                    ["stop"] = fit.Stop.ToString().ToLowerInvariant(),
                    ["initial_loss"] = numbers.Number(fit.InitialLoss, "initial_loss"),
                    ["train_loss"] = numbers.Number(best?.TrainLoss, "train_loss"),
                    ["validation_loss"] = numbers.Number(best?.ValidationLoss, "validation_loss"),
                    ["train_windows"] = fit.TrainWindows,
                    ["validation_windows"] = fit.ValidationWindows,
                    ["checkpoint"] = checkpointPath,
                }).ToJsonString());
                return code;
            }
            var o = context.Out;
            TrainingRunner.WriteNotes(context, fit, saved: true);
            o.WriteLine($"Trained one {settings.Cell.ToName()} model on {data.Series.Count} series ({string.Join(", ", data.Series.Select(s => $"{s.Symbol} {s.Length}"))} points): {fit.TrainWindows} training and {fit.ValidationWindows} validation windows." +
                (settings.CombineClassical ? " It forecasts half the network's and half ETS's and Theta's (--combine off: the network alone)." : ""));
            o.WriteLine(fit.Stop switch
            {
                StopReason.EarlyStopped => $"Stopped early after {fit.History.Count} epochs: the validation loss had not improved for {settings.Patience}.",
                StopReason.Cancelled => $"Stopped by {context.InterruptionName} after {fit.History.Count} epochs.",
                StopReason.Diverged => $"Stopped after {fit.History.Count} epochs: training diverged.",
                _ => $"Ran all {fit.History.Count} epochs.",
            });
            if (best is not null)
                o.WriteLine(FormattableString.Invariant($"Kept the weights of epoch {fit.BestEpoch}: training loss {NumberFormat.Significant(best.TrainLoss)}, validation loss {(best.ValidationLoss is double v ? NumberFormat.Significant(v) : "–")} (scaled units; the initial weights had {NumberFormat.Significant(fit.InitialLoss)})."));
            o.WriteLine($"Saved {path}. Next: unroll predict --model {ForecastOptions.Quote(path)} --data {ForecastOptions.Quote(dataPath)}{options.DataFlagsGiven(parse)}");
            if (resumeHint is not null) o.WriteLine(resumeHint);
            return code;
        });
        return command;
    }

    /// <summary>The command line that continues this run: the same arguments with --resume pointing at the checkpoint and a new --checkpoint.</summary>
    private static IEnumerable<string> ResumeArguments(ParseResult parse, string checkpointPath)
    {
        var tokens = parse.Tokens.Select(t => t.Value).ToList();
        var kept = new List<string>();
        for (int i = 0; i < tokens.Count; i++)
        {
            if (tokens[i] is "--resume" or "--checkpoint") { i++; continue; }
            kept.Add(ForecastOptions.Quote(tokens[i]));
        }
        var next = Path.ChangeExtension(checkpointPath, null) + "-resumed" + Path.GetExtension(checkpointPath);
        return [.. kept, "--resume", ForecastOptions.Quote(checkpointPath), "--checkpoint", ForecastOptions.Quote(next)];
    }

}
