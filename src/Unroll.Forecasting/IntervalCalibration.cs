using System.Globalization;
using System.Text.Json;
using Unroll.Data;

namespace Unroll.Forecasting;

/// <summary>
/// Prediction intervals for the network by split conformal calibration: the trained network forecasts every origin of
/// each series' validation part (data it was not fitted on), and the absolute errors of step k, each divided by its
/// series' unit at that origin, are kept sorted. The interval at level ℓ is the forecast ± q·u, where q is the
/// ⌈(n + 1)·ℓ⌉-th smallest of the n scaled errors of that step (the largest when there are too few) and u the unit at
/// the new origin. Scaling by the unit lets one calibration serve every series of a global model.
/// </summary>
/// <remarks>
/// The unit: with relative scaling, the last value times the series' typical relative one-step move (so intervals
/// grow with the price); otherwise the series' mean absolute one-step change over its training part. When the
/// validation parts hold fewer than <see cref="MinimumResiduals"/> one-step errors, in-sample errors from the
/// training parts are added (they are smaller, so such intervals tend to be narrow; <see cref="Describe"/> says so).
/// Steps beyond the calibrated ones widen as √k from the last calibrated step.
/// </remarks>
public sealed class IntervalCalibration
{
    /// <summary>One-step errors below which training-part errors are added to the validation ones.</summary>
    public const int MinimumResiduals = 20;

    /// <summary>Validation origins used per series at most (the latest ones), to bound the cost on long series.</summary>
    public const int MaxOriginsPerSeries = 200;

    private readonly double[][] _sorted;

    /// <summary>Creates a calibration from the scaled absolute errors of each step (any order).</summary>
    /// <param name="steps">Step 1, 2, …: the |error| / unit values.</param>
    /// <param name="validationErrors">How many one-step errors came from validation parts.</param>
    /// <param name="trainingErrors">How many came from training parts (in-sample).</param>
    public IntervalCalibration(IReadOnlyList<IReadOnlyList<double>> steps, int validationErrors, int trainingErrors)
    {
        ArgumentNullException.ThrowIfNull(steps);
        _sorted = steps.Select(s => s.Where(double.IsFinite).Order().ToArray()).ToArray();
        ValidationErrors = validationErrors;
        TrainingErrors = trainingErrors;
    }

    /// <summary>The sorted scaled absolute errors of each calibrated step.</summary>
    public IReadOnlyList<IReadOnlyList<double>> Steps => _sorted;

    /// <summary>One-step errors from validation parts.</summary>
    public int ValidationErrors { get; }

    /// <summary>One-step errors from training parts (in-sample), added when validation held too few.</summary>
    public int TrainingErrors { get; }

    /// <summary>The half-width of the interval at <paramref name="level"/> for step <paramref name="step"/> (from 1), in units.</summary>
    public double HalfWidth(int step, double level)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "must lie in (0, 1)");
        int calibrated = _sorted.Length;
        if (calibrated == 0) return double.NaN;
        int k = Math.Min(step, calibrated);
        var errors = _sorted[k - 1];
        if (errors.Length == 0) return double.NaN;
        int rank = (int)Math.Ceiling((errors.Length + 1) * level);           // split conformal's finite-sample rank
        double q = errors[Math.Clamp(rank, 1, errors.Length) - 1];
        return step <= calibrated ? q : q * Math.Sqrt((double)step / calibrated);
    }

    /// <summary>Where the intervals come from, in words: "calibrated on 71 validation errors per step".</summary>
    public string Describe() => TrainingErrors == 0
        ? $"calibrated on {ValidationErrors} validation error{(ValidationErrors == 1 ? "" : "s")} per step"
        : $"calibrated on {ValidationErrors} validation and {TrainingErrors} in-sample training errors per step (few validation points: the intervals may be narrow)";

    /// <summary>The calibration as JSON (for model files): {"steps": [[…], …], "validation": n, "training": m}.</summary>
    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["steps"] = _sorted.Select(s => s.Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray()).ToArray(),
        ["validation"] = ValidationErrors,
        ["training"] = TrainingErrors,
    });

    /// <summary>Reads <see cref="ToJson"/>'s text.</summary>
    /// <exception cref="FormatException">The text is not such JSON, or holds a negative or non-finite error.</exception>
    public static IntervalCalibration Parse(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var steps = root.GetProperty("steps").EnumerateArray().Select(step => step.EnumerateArray().Select(v =>
            {
                double e = double.Parse(v.GetString() ?? throw new FormatException("an error is null"), NumberStyles.Float, CultureInfo.InvariantCulture);
                return double.IsFinite(e) && e >= 0 ? e : throw new FormatException($"an error of {e}");
            }).ToArray()).ToArray();
            return new IntervalCalibration(steps, root.GetProperty("validation").GetInt32(), root.GetProperty("training").GetInt32());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("not the calibration's JSON", e);
        }
    }
}
