using Spectre.Console;
using Unroll.Forecasting;

namespace Unroll.Cli;

/// <summary>Runs training with a live progress bar (or plain lines when not on a terminal); Ctrl-C and SIGTERM stop it cleanly (see <see cref="Interrupts"/>).</summary>
internal static class TrainingRunner
{
    public static T Run<T>(CliContext context, string title, int epochs, Func<IProgress<TrainingProgress>, CancellationToken, T> work)
    {
        // Ctrl-C or SIGTERM stops after the current batch; the command then saves what is worth saving.
        using var cleanStop = context.Interrupts?.AllowCleanStop();
        var token = context.Interrupts?.Token ?? CancellationToken.None;
        context.Activity = title;
        if (context.Quiet) return work(new Inline<TrainingProgress>(_ => { }), token);
        if (context.Interrupts is not null && !Console.IsErrorRedirected)
            return RunWithBar(title, epochs, work, token);
        return work(new LineProgress(context.Error, title, epochs), token);
    }

    private static T RunWithBar<T>(string title, int epochs, Func<IProgress<TrainingProgress>, CancellationToken, T> work, CancellationToken token)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: epochs);
                result = work(new Inline<TrainingProgress>(p =>
                {
                    task.Value = p.Epoch;
                    // Short enough to share an 80-column line with the bar, the percentage and the time left.
                    task.Description = Markup.Escape(FormattableString.Invariant(
                        $"{title} {p.Epoch}/{p.Epochs} train {p.TrainLoss:G3} val {(p.ValidationLoss is double v ? v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture) : "–")} |g| {p.GradientNorm:G2}"));
                }), token);
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>
    /// Says what training changed to fit the data (a shorter lookback, the scaling chosen) and which series it left
    /// out: in a backtest the classical methods alone forecast those; a saved model (<paramref name="saved"/>) does not
    /// hold them, so predict refuses them until they are long enough.
    /// </summary>
    public static void WriteNotes(CliContext context, FitResult fit, bool saved = false)
    {
        if (context.Quiet) return;
        foreach (var note in fit.Notes) context.Out.WriteLine($"Note: {note}.");
        foreach (var (_, why) in fit.Excluded)
            context.Out.WriteLine(saved
                ? $"Note: {why}; the model leaves it out, so predict forecasts it only once it is long enough (leave it out with --symbol until then; backtest forecasts it with the classical methods alone)."
                : $"Note: {why}; the classical methods forecast it.");
    }

    private static string Remaining(TrainingProgress p) => $"{(int)p.Remaining.TotalMinutes}:{p.Remaining.Seconds:00} left";

    private sealed class Inline<TValue>(Action<TValue> report) : IProgress<TValue>
    {
        public void Report(TValue value) => report(value);
    }

    /// <summary>About ten progress lines per run, on standard error, for logs and pipes.</summary>
    private sealed class LineProgress(TextWriter error, string title, int epochs) : IProgress<TrainingProgress>
    {
        private readonly int _every = Math.Max(1, epochs / 10);

        public void Report(TrainingProgress p)
        {
            if (p.Epoch != 1 && p.Epoch % _every != 0) return;
            error.WriteLine(FormattableString.Invariant(
                $"{title}: epoch {p.Epoch}/{p.Epochs}  train {p.TrainLoss:G4}  val {(p.ValidationLoss is double v ? v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture) : "–")}  |g| {p.GradientNorm:G3}  {p.Elapsed.TotalSeconds:F1}s, {Remaining(p)}"));
        }
    }
}
