using Unroll.Charts;

namespace Unroll.Forecasting;

/// <summary>
/// A method's MASE beside the naive forecast's over the same points: whether it beats guessing the last value, and the
/// sentence that says so. The command line's verdict and the report's are this one.
/// </summary>
/// <param name="Method">The method compared.</param>
/// <param name="Mase">Its MASE (NaN when it could not be computed).</param>
/// <param name="NaiveMase">The naive forecast's MASE (NaN when it could not be computed).</param>
public readonly record struct NaiveComparison(ForecastMethod Method, double Mase, double NaiveMase)
{
    /// <summary>The comparison of <paramref name="method"/> with the naive forecast in a set of metrics by method.</summary>
    public static NaiveComparison Of(IReadOnlyDictionary<ForecastMethod, Metrics> metrics, ForecastMethod method = ForecastMethod.Model)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return new NaiveComparison(method, metrics.TryGetValue(method, out var m) ? m.Mase : double.NaN,
            metrics.TryGetValue(ForecastMethod.Naive, out var n) ? n.Mase : double.NaN);
    }

    /// <summary>Whether both MASEs were computed.</summary>
    public bool Comparable => !double.IsNaN(Mase) && !double.IsNaN(NaiveMase);

    /// <summary>Whether the method's MASE is below the naive forecast's.</summary>
    public bool Beats => Mase < NaiveMase;

    /// <summary>How much lower the MASE is, in percent of the naive forecast's: (1 − MASE / naive MASE) × 100.</summary>
    public double ImprovementPercent => (1 - Mase / NaiveMase) * 100;

    /// <summary>
    /// One sentence: "Overall, one step ahead, the model's MASE is 0.93 against the naive forecast's 1: it beats guessing
    /// the last value by 7%." (four significant digits for MASE, three for the percentage), or "... it does not beat
    /// guessing the last value.", or why there is no comparison.
    /// </summary>
    /// <param name="horizon">The steps each forecast covers.</param>
    public string Verdict(int horizon)
    {
        string who = Method == ForecastMethod.Model ? "model" : Method.Name() + " forecast";
        if (!Comparable) return $"Too few test points to compare the {who} with the naive forecast.";
        string steps = horizon == 1 ? "one step ahead" : $"over {horizon} steps ahead";
        string head = $"Overall, {steps}, the {who}'s MASE is {NumberFormat.Significant(Mase, 4)} against the naive forecast's {NumberFormat.Significant(NaiveMase, 4)}";
        return Beats
            ? $"{head}: it beats guessing the last value by {NumberFormat.Significant(ImprovementPercent, 3)}%."
            : $"{head}: it does not beat guessing the last value.";
    }
}
