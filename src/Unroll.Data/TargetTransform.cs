namespace Unroll.Data;

/// <summary>What a model predicts for a price series.</summary>
public enum TargetKind
{
    /// <summary>The price itself.</summary>
    Price,
    /// <summary>The simple return <c>r[t] = p[t] / p[t−1] − 1</c>.</summary>
    Return,
    /// <summary>The log return <c>r[t] = ln(p[t] / p[t−1])</c>.</summary>
    LogReturn,
}

/// <summary>
/// Turns prices into the quantity a model predicts (<see cref="TargetKind"/>) and predictions back into prices.
/// </summary>
/// <remarks>
/// Returns are one shorter than the prices: <c>r[t−1]</c> describes the move from <c>p[t−1]</c> to <c>p[t]</c>.
/// The inverse chains: from the last known price <c>p</c>, each predicted return moves it one step,
/// <c>p ← p·(1 + r)</c> or <c>p ← p·exp(r)</c>.
/// </remarks>
public static class TargetTransform
{
    /// <summary>Transforms prices: a copy for <see cref="TargetKind.Price"/>, else the n−1 (log) returns.</summary>
    /// <param name="kind">What to compute.</param>
    /// <param name="prices">The prices, in time order.</param>
    /// <param name="seriesName">The series' name for error messages.</param>
    /// <returns>The transformed values: n for prices, n−1 for returns (empty when n &lt; 2).</returns>
    /// <exception cref="DataException">A return would divide by a price of 0, or a log return needs a price that is
    /// not positive.</exception>
    public static double[] Forward(TargetKind kind, ReadOnlySpan<double> prices, string seriesName = "series")
    {
        ArgumentNullException.ThrowIfNull(seriesName);
        if (kind == TargetKind.Price) return prices.ToArray();
        CheckKind(kind);
        if (prices.Length < 2) return [];
        var result = new double[prices.Length - 1];
        for (int t = 1; t < prices.Length; t++)
        {
            double prev = prices[t - 1], cur = prices[t];
            if (kind == TargetKind.Return)
            {
                if (prev == 0) throw BadPrice(seriesName, $"step {t - 1}", prev, kind);
                result[t - 1] = cur / prev - 1;
            }
            else
            {
                if (!(prev > 0)) throw BadPrice(seriesName, $"step {t - 1}", prev, kind);
                if (!(cur > 0)) throw BadPrice(seriesName, $"step {t}", cur, kind);
                result[t - 1] = Math.Log(cur / prev);
            }
        }
        return result;
    }

    /// <summary>Transforms a series' values. For returns the result starts one step later: value <c>t</c> of the
    /// result is the move into date <c>t + 1</c> of the input, and it keeps the features of that date.</summary>
    /// <param name="kind">What to compute.</param>
    /// <param name="series">The price series.</param>
    /// <returns>The series itself for <see cref="TargetKind.Price"/>; else a series one step shorter.</returns>
    /// <exception cref="DataException">As <see cref="Forward(TargetKind, ReadOnlySpan{double}, string)"/>, or the
    /// series has fewer than 2 points.</exception>
    public static TimeSeries Forward(TargetKind kind, TimeSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (kind == TargetKind.Price) return series;
        CheckKind(kind);
        if (series.Length < 2)
        {
            throw new DataException(
                $"series '{series.Symbol}' has {Text.Count(series.Length, "point")}; a {Describe(kind)} needs at least 2.");
        }
        double[] values;
        try
        {
            values = Forward(kind, series.Values, series.Symbol);
        }
        catch (DataException)
        {
            // Say which date, which the span overload cannot.
            for (int t = 0; t < series.Length; t++)
            {
                double p = series.Values[t];
                bool bad = kind == TargetKind.Return ? p == 0 && t < series.Length - 1 : !(p > 0);
                if (bad) throw BadPrice(series.Symbol, Text.Date(series.Dates[t]), p, kind);
            }
            throw;
        }
        int f = series.FeatureCount;
        return new TimeSeries(series.Symbol, series.Dates.Skip(1).ToArray(), values, series.FeatureNames,
            series.Features.AsSpan(f).ToArray());
    }

    /// <summary>Reconstructs prices from the last known price and predicted transformed values, chaining step
    /// after step for a multi-step forecast.</summary>
    /// <param name="kind">What the values are.</param>
    /// <param name="lastPrice">The last known price, just before the first predicted step (unused for
    /// <see cref="TargetKind.Price"/>).</param>
    /// <param name="transformed">The predicted values, in time order.</param>
    /// <returns>The prices, one per predicted value.</returns>
    public static double[] Inverse(TargetKind kind, double lastPrice, ReadOnlySpan<double> transformed)
    {
        if (kind == TargetKind.Price) return transformed.ToArray();
        CheckKind(kind);
        if (!double.IsFinite(lastPrice))
            throw new ArgumentOutOfRangeException(nameof(lastPrice), lastPrice, "the last known price must be finite.");
        var prices = new double[transformed.Length];
        double p = lastPrice;
        for (int i = 0; i < transformed.Length; i++)
        {
            p = kind == TargetKind.Return ? p * (1 + transformed[i]) : p * Math.Exp(transformed[i]);
            prices[i] = p;
        }
        return prices;
    }

    private static void CheckKind(TargetKind kind)
    {
        if (kind is not (TargetKind.Price or TargetKind.Return or TargetKind.LogReturn))
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown target kind.");
    }

    private static string Describe(TargetKind kind) => kind == TargetKind.Return ? "return" : "log return";

    private static DataException BadPrice(string series, string where, double price, TargetKind kind) => new(
        $"series '{series}' has price {Text.Number(price)} at {where}; a {Describe(kind)} needs " +
        (kind == TargetKind.Return ? "prices other than 0" : "prices above 0") +
        ". Forecast the price itself (target 'price') or fix the data.");
}
