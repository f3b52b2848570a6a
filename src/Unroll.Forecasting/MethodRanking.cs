using Unroll.Charts;

namespace Unroll.Forecasting;

/// <summary>
/// Which method forecast best, by MASE: on each series (among the methods that apply to it) and over all points
/// (among the methods that apply to every series, so the pooled scores compare like with like).
/// </summary>
/// <param name="BestBySeries">Each series' best method; a series where no method has a MASE is left out.</param>
/// <param name="BestOverall">The method with the lowest pooled MASE among those that apply to every series; null when none does.</param>
public sealed record MethodRanking(IReadOnlyDictionary<string, ForecastMethod> BestBySeries, ForecastMethod? BestOverall)
{
    /// <summary>Ranks the methods of a backtest.</summary>
    public static MethodRanking Of(BacktestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var best = new Dictionary<string, ForecastMethod>(StringComparer.Ordinal);
        foreach (var s in result.Series)
            if (Lowest(s.Metrics) is { } method) best[s.Symbol] = method;
        var everywhere = result.Overall.Where(kv => result.Series.All(s => s.Metrics.ContainsKey(kv.Key)))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        return new MethodRanking(best, Lowest(everywhere));
    }

    /// <summary>How many series each method was best on, most first (ties in report order).</summary>
    public IReadOnlyList<(ForecastMethod Method, int Series)> Wins => BestBySeries.Values.GroupBy(m => m)
        .Select(g => (g.Key, g.Count())).OrderByDescending(w => w.Item2).ThenBy(w => BacktestResult.Methods.ToList().IndexOf(w.Key)).ToList();

    /// <summary>
    /// In plain words: "Best by MASE: ets on 14 of 26 series, the model on 5, theta on 4; over all points, ets's MASE
    /// was lowest (0.612; the model's 0.703)."
    /// </summary>
    public string Sentence(BacktestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (BestBySeries.Count == 0) return "No method has a MASE to rank by (too few test points).";
        string Who(ForecastMethod m) => m == ForecastMethod.Model ? "the model" : m.Name();
        var wins = Wins.Select((w, i) => $"{Who(w.Method)} on {w.Series}{(i == 0 ? $" of {result.Series.Count} series" : "")}");
        string text = result.Series.Count == 1
            ? $"Best by MASE on {result.Series[0].Symbol}: {Who(BestBySeries.Values.First())}"
            : $"Best by MASE: {string.Join(", ", wins)}";
        if (BestOverall is { } overall && result.Series.Count > 1)
        {
            text += $"; over all points, {Who(overall)}'s MASE was lowest ({NumberFormat.Significant(result.Overall[overall].Mase, 3)}";
            if (overall != ForecastMethod.Model && result.Overall.TryGetValue(ForecastMethod.Model, out var model))
                text += $"; the model's {NumberFormat.Significant(model.Mase, 3)}";
            text += ")";
        }
        return text + ".";
    }

    /// <summary>
    /// How the model (the network) did against the other methods, in plain words and honest when it did not win: "The
    /// model was best on none of the 26 series; it was not run on 3, for instance series 'X' has 9 points, too few for the
    /// network (…)." or, with one series,
    /// "The model ranked 4th of 6 methods on wineind: MASE 0.901, against theta's 0.297."
    /// </summary>
    public string ModelSentence(BacktestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var forecast = result.Series.Where(s => s.Metrics.ContainsKey(ForecastMethod.Model)).ToList();
        var reasons = result.Series.Where(s => !s.Metrics.ContainsKey(ForecastMethod.Model))
            .Select(s => s.Scores.TryGetValue(ForecastMethod.Model, out var score) ? score.NotApplicable : null).ToList();
        string? reason = reasons.FirstOrDefault(r => r is not null);
        if (forecast.Count == 0)
            return result.Series.Count == 0 ? "There are no series." : $"The model forecast none of the series{(reason is null ? "" : $"; for instance {reason}")}.";
        if (result.Series.Count == 1)
        {
            var s = forecast[0];
            var ranked = Order(s.Metrics).Where(m => double.IsFinite(s.Metrics[m].Mase)).ToList();
            double mase = s.Metrics[ForecastMethod.Model].Mase;
            int rank = ranked.IndexOf(ForecastMethod.Model) + 1;
            if (rank == 0) return $"The model's MASE on {s.Symbol} could not be computed (too few test points).";
            string score = $"MASE {NumberFormat.Significant(mase, 3)}";
            if (ranked.Count == 1) return $"The model was the only method scored on {s.Symbol}: {score}.";
            var other = ranked[rank == 1 ? 1 : 0];
            return rank == 1
                ? $"The model was best on {s.Symbol}: {score}, against {other.Name()}'s {NumberFormat.Significant(s.Metrics[other].Mase, 3)}."
                : $"The model ranked {Ordinal(rank)} of {ranked.Count} methods on {s.Symbol}: {score}, against {other.Name()}'s {NumberFormat.Significant(s.Metrics[other].Mase, 3)}.";
        }
        int wins = BestBySeries.Values.Count(m => m == ForecastMethod.Model);
        string of = forecast.Count == result.Series.Count ? $"of the {result.Series.Count} series" : $"of the {forecast.Count} series it forecast";
        string text = $"The model was best on {(wins == 0 ? "none" : wins.ToString(System.Globalization.CultureInfo.InvariantCulture))} {of}";
        int left = result.Series.Count - forecast.Count;
        if (left > 0) text += $"; it was not run on {left}{(reason is null ? "" : $", for instance {reason}")}";
        return text + ".";
    }

    /// <summary>The methods of <paramref name="metrics"/>, lowest MASE first; those without a MASE last; ties in report order.</summary>
    public static IReadOnlyList<ForecastMethod> Order(IReadOnlyDictionary<ForecastMethod, Metrics> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return BacktestResult.Methods.Where(metrics.ContainsKey)
            .OrderBy(m => double.IsNaN(metrics[m].Mase) ? double.PositiveInfinity : metrics[m].Mase).ToList();
    }

    /// <summary>1st, 2nd, 3rd, 4th, … 11th, 12th, 13th, … 21st.</summary>
    internal static string Ordinal(int n) => n + ((n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });

    private static ForecastMethod? Lowest(IReadOnlyDictionary<ForecastMethod, Metrics> metrics)
    {
        ForecastMethod? best = null;
        double lowest = double.PositiveInfinity;
        foreach (var method in BacktestResult.Methods)
            if (metrics.TryGetValue(method, out var m) && m.Mase < lowest) (best, lowest) = (method, m.Mase);
        return best;
    }
}
