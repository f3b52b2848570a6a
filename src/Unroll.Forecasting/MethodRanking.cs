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

    private static ForecastMethod? Lowest(IReadOnlyDictionary<ForecastMethod, Metrics> metrics)
    {
        ForecastMethod? best = null;
        double lowest = double.PositiveInfinity;
        foreach (var method in BacktestResult.Methods)
            if (metrics.TryGetValue(method, out var m) && m.Mase < lowest) (best, lowest) = (method, m.Mase);
        return best;
    }
}
