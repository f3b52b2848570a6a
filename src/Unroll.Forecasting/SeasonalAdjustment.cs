using System.Globalization;
using System.Text.Json;
using Unroll.Forecasting.Methods;

namespace Unroll.Forecasting;

/// <summary>
/// A series' seasonal pattern, taken out before the network sees the series and put back into its forecasts, as
/// ES-RNN and Theta do: the network then learns the level's moves rather than the calendar. Fitted on the training part
/// by classical decomposition (multiplicative when every training value is above 0, additive otherwise), and only where
/// the season is real: Theta's test at lag m (90%) and a seasonal strength of at least <see cref="MinimumStrength"/>.
/// </summary>
/// <remarks>
/// The strength is Wang, Smith and Hyndman's: 1 − Var(remainder) / Var(seasonal + remainder) around the centred moving
/// average (on logarithms for a multiplicative pattern), 0 for none and near 1 when the calendar explains nearly all
/// that the trend does not. Trending series without a season pass the lag-m test (their autocorrelations are all high)
/// but have a strength near 0, so they are left alone.
/// </remarks>
/// <param name="Period">The season m.</param>
/// <param name="Indices">Index j applies at the positions t ≡ j (mod m), counted from the first value of the series it
/// is applied to (see <see cref="From"/> for a series that starts at another point of the season): a factor
/// (multiplicative) or an amount (additive).</param>
/// <param name="Additive">Whether the indices are subtracted rather than divided out.</param>
/// <param name="Strength">The seasonal strength measured on the training part.</param>
public sealed record SeasonalAdjustment(int Period, IReadOnlyList<double> Indices, bool Additive, double Strength)
{
    /// <summary>The weakest seasonal strength that is taken out.</summary>
    public const double MinimumStrength = 0.4;

    /// <summary>The date of position 0 (the first value of the series it was fitted on); null when unknown (a file
    /// written before it, or dates that keep no step), and then positions count from any series' first value.</summary>
    public DateTime? Anchor { get; init; }

    /// <summary>The step of the dates <see cref="Anchor"/> belongs to, which counts the steps from it to another date.</summary>
    public DataStep? Step { get; init; }

    // How ToJson writes the anchor and Parse reads it back.
    private const string AnchorFormat = "yyyy-MM-dd'T'HH:mm:ss";

    /// <summary>
    /// The pattern for a series whose first value is dated <paramref name="first"/>: the indices turned by the steps from
    /// <see cref="Anchor"/> to it, so that each value meets the index of its own point of the season (a file of the
    /// same monthly series that starts in April gets April's index first, not January's). Itself when the anchor is
    /// unknown or the phase the same.
    /// </summary>
    public SeasonalAdjustment From(DateTime first)
    {
        if (Anchor is not { } anchor || Step is not { } step || first == anchor) return this;
        int phase = (int)(((step.StepsBetween(anchor, first) % Period) + Period) % Period);
        var turned = new double[Period];
        for (int j = 0; j < Period; j++) turned[j] = Indices[(j + phase) % Period];
        return this with { Indices = turned, Anchor = first };
    }

    /// <summary>Fits the pattern of <paramref name="train"/> at season <paramref name="season"/>, or says why there is none.</summary>
    /// <param name="train">The training part, oldest first.</param>
    /// <param name="season">The season m; 1 or less means none.</param>
    /// <param name="why">Why there is no adjustment, when there is none.</param>
    public static SeasonalAdjustment? Fit(ReadOnlySpan<double> train, int season, out string why)
    {
        int n = train.Length, m = season;
        if (m < 2) { why = "not seasonal (season 1)"; return null; }
        if (n < 3 * m) { why = $"season {m} needs three seasons of training values ({3 * m}), got {n}"; return null; }
        if (ClassicalDecomposition.IsConstant(train)) { why = "the values are constant"; return null; }
        double ratio = ClassicalDecomposition.SeasonalityRatio(train, m);
        if (!(ratio > PredictionIntervals.NormalQuantile(0.95)))
        {
            why = $"no seasonality at lag {m}: |r({m})| is {ratio.ToString("0.##", CultureInfo.InvariantCulture)} standard errors, 1.64 needed";
            return null;
        }
        bool additive = false;
        foreach (double v in train) if (!(v > 0)) additive = true;
        double[] figure = additive ? ClassicalDecomposition.AdditiveFigure(train, m) : ClassicalDecomposition.MultiplicativeFigure(train, m);
        if (!additive && figure.Any(f => !(f > 1e-4)))
        {
            why = "a seasonal factor is near zero";
            return null;
        }
        double strength = StrengthOf(train, m, figure, additive);
        if (!(strength >= MinimumStrength))
        {
            why = $"the seasonal pattern is weak (strength {strength.ToString("0.00", CultureInfo.InvariantCulture)}, {MinimumStrength.ToString("0.0", CultureInfo.InvariantCulture)} needed)";
            return null;
        }
        why = "";
        return new SeasonalAdjustment(m, figure, additive, strength);
    }

    private static double StrengthOf(ReadOnlySpan<double> x, int m, double[] figure, bool additive)
    {
        var trend = ClassicalDecomposition.Trend(x, m);
        var detrended = new List<double>();
        var remainder = new List<double>();
        for (int t = 0; t < x.Length; t++)
        {
            if (double.IsNaN(trend[t])) continue;
            if (additive)
            {
                detrended.Add(x[t] - trend[t]);
                remainder.Add(x[t] - trend[t] - figure[t % m]);
            }
            else
            {
                if (!(trend[t] > 0)) return 0;
                detrended.Add(Math.Log(x[t] / trend[t]));
                remainder.Add(Math.Log(x[t] / trend[t] / figure[t % m]));
            }
        }
        double total = Variance(detrended);
        return total > 0 ? Math.Max(0, 1 - Variance(remainder) / total) : 0;
    }

    private static double Variance(List<double> values)
    {
        double mean = values.Average(), sum = 0;
        foreach (double v in values) sum += (v - mean) * (v - mean);
        return sum / values.Count;
    }

    /// <summary>The value at position <paramref name="t"/> with the season taken out.</summary>
    public double Remove(double value, int t) => Additive ? value - Indices[t % Period] : value / Indices[t % Period];

    /// <summary>The seasonally adjusted <paramref name="value"/> at position <paramref name="t"/> with the season put back.</summary>
    public double Restore(double value, int t) => Additive ? value + Indices[t % Period] : value * Indices[t % Period];

    /// <summary>The values with the season taken out (a new array).</summary>
    public double[] Remove(ReadOnlySpan<double> values)
    {
        var adjusted = new double[values.Length];
        for (int t = 0; t < values.Length; t++) adjusted[t] = Remove(values[t], t);
        return adjusted;
    }

    /// <summary>In words: "multiplicative, season 12 (strength 0.94)".</summary>
    public string Describe()
        => $"{(Additive ? "additive" : "multiplicative")}, season {Period} (strength {Strength.ToString("0.00", CultureInfo.InvariantCulture)})";

    /// <summary>As JSON for model files: {"period": m, "additive": false, "strength": "…", "indices": ["…", …],
    /// "anchor": "2010-01-01T00:00:00", "step": "months"} (the last two when known).</summary>
    public string ToJson()
    {
        var fields = new Dictionary<string, object>
        {
            ["period"] = Period,
            ["additive"] = Additive,
            ["strength"] = Strength.ToString("R", CultureInfo.InvariantCulture),
            ["indices"] = Indices.Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray(),
        };
        if (Anchor is { } anchor && Step is { } step)
        {
            fields["anchor"] = anchor.ToString(AnchorFormat, CultureInfo.InvariantCulture);
            fields["step"] = step.ToString();
        }
        return JsonSerializer.Serialize(fields);
    }

    /// <summary>Reads <see cref="ToJson"/>'s text.</summary>
    /// <exception cref="FormatException">Not that JSON, a period below 2, indices not one per position, a non-finite
    /// index, or a multiplicative factor at or below 0.</exception>
    public static SeasonalAdjustment Parse(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            int period = root.GetProperty("period").GetInt32();
            bool additive = root.GetProperty("additive").GetBoolean();
            double strength = Number(root.GetProperty("strength"));
            var indices = root.GetProperty("indices").EnumerateArray().Select(Number).ToArray();
            if (period < 2 || indices.Length != period) throw new FormatException($"{indices.Length} indices for period {period}");
            if (!additive && indices.Any(v => !(v > 0))) throw new FormatException("a seasonal factor at or below 0");
            var adjustment = new SeasonalAdjustment(period, indices, additive, strength);
            bool hasAnchor = root.TryGetProperty("anchor", out var anchorText), hasStep = root.TryGetProperty("step", out var stepText);
            if (!hasAnchor && !hasStep) return adjustment;
            if (!hasAnchor || !hasStep) throw new FormatException("an anchor without a step, or a step without an anchor");
            if (!DateTime.TryParseExact(anchorText.GetString(), AnchorFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var anchor))
                throw new FormatException("the anchor is not a date");
            if (!DataStep.TryParse(stepText.GetString(), out var step)) throw new FormatException("the step is not one Unroll writes");
            return adjustment with { Anchor = anchor, Step = step };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("not a seasonal adjustment's JSON", e);
        }
    }

    private static double Number(JsonElement element)
    {
        double v = double.Parse(element.GetString() ?? throw new FormatException("a number is null"), NumberStyles.Float, CultureInfo.InvariantCulture);
        return double.IsFinite(v) ? v : throw new FormatException($"the number {v}");
    }
}
