using Unroll.Forecasting;
using Unroll.Charts;

namespace Unroll.Cli;

/// <summary>What a training run's end means for the user, worded once for train, backtest and demo.</summary>
internal static class TrainingOutcome
{
    /// <summary>Why no model is worth keeping, as one line without "error: "; null when an epoch beat the initial weights.</summary>
    /// <param name="fit">The training run.</param>
    /// <param name="settings">Its settings, for the fix the message suggests.</param>
    /// <param name="debugNumerics">Whether --debug-numerics was given.</param>
    /// <param name="context">Names the signal that stopped it, if one did.</param>
    /// <param name="kept">What became of the weights, in the message ("nothing was kept" unless told otherwise).</param>
    public static string? Failure(FitResult fit, ForecastSettings settings, bool debugNumerics, CliContext context, string kept = "nothing was kept")
    {
        if (fit.Improved) return null;
        string score = fit.ValidationWindows > 0 ? "validation" : "training";
        if (fit.Incident is { } incident)
            return $"training diverged at epoch {incident.Epoch}, batch {incident.Batch}: {incident.What}{Probe(incident, debugNumerics)}; " +
                   $"no epoch beat the initial weights, so {kept}. {Fix(settings, debugNumerics)}";
        if (fit.Stop == StopReason.Cancelled)
            return $"stopped by {context.InterruptionName} {(fit.History.Count == 0 ? "before the first epoch finished" : $"after {Epochs(fit.History.Count)}")}, before any epoch beat the initial weights: {kept}";
        var bestSeen = fit.History.Select(h => h.ValidationLoss ?? h.TrainLoss).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
        return $"after {Epochs(fit.History.Count)} no epoch's weights beat the initial weights' {score} loss ({NumberFormat.Significant(fit.InitialLoss, 4)}; the best epoch reached {NumberFormat.Significant(bestSeen, 4)}), so {kept}: " +
               "the network learned nothing the data support" +
               (settings.IsRelative ? " (an untrained network forecasts about the last value, so it did not beat the naive forecast on the validation part)" : "") +
               ". Try more --epochs, another --lr, or more data";
    }

    /// <summary>A warning when training diverged after good epochs (their best weights are kept); null otherwise.</summary>
    public static string? Warning(FitResult fit, ForecastSettings settings, bool debugNumerics)
        => fit.Improved && fit.Incident is { } incident
            ? $"training stopped at epoch {incident.Epoch}, batch {incident.Batch}: {incident.What}{Probe(incident, debugNumerics)}; kept the weights of epoch {fit.BestEpoch}, the best before it. {Fix(settings, debugNumerics)}"
            : null;

    private static string Probe(TrainingIncident incident, bool debugNumerics)
        => incident.FirstNonFinite is { } found ? $" (first non-finite value: {found})"
        : debugNumerics ? " (--debug-numerics found every value of the failing step finite: the loss grew without overflowing)"
        : "";

    private static string Fix(ForecastSettings settings, bool debugNumerics)
        => $"Lower --lr (it was {NumberFormat.Significant(settings.LearningRate)})" +
           (settings.ClipNorm is double c ? $" or --clip (it was {NumberFormat.Significant(c)})" : " or set --clip 1") +
           (debugNumerics ? "" : "; --debug-numerics shows where values stop being finite");

    private static string Epochs(int n) => n == 1 ? "1 epoch" : $"{n} epochs";
}
