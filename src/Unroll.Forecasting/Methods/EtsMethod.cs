namespace Unroll.Forecasting.Methods;

/// <summary>
/// Exponential smoothing in state-space form (Hyndman, Koehler, Ord &amp; Snyder 2008) as R's <c>forecast::ets(y)</c>
/// does it by default: every admissible model is fitted by maximum likelihood and the one with the smallest AICc is
/// kept; its parameters, initial states and σ² are then fixed (<see cref="EtsFit"/>).
/// </summary>
/// <remarks>
/// The models tried, in R's order (errors A then M; within each, trend N then A; within that, seasons N, A, M; a trend
/// damped first, then not):
/// <list type="bullet">
/// <item>the season only when 1 &lt; m ≤ 24 and there are more than m values (R ignores a longer period with a
/// warning; with fewer than three seasons the initial seasonal states come from a regression on a sine and cosine);</item>
/// <item>no additive error with a multiplicative season (R's <c>restrict = TRUE</c>), and no multiplicative trend
/// (<c>allow.multiplicative.trend = FALSE</c>);</item>
/// <item>multiplicative errors and seasons only when every value is above 0;</item>
/// <item>a model only when it has fewer parameters (smoothing parameters plus free initial states) than n − 1.</item>
/// </list>
/// That is up to 15 models for a seasonal series, 6 otherwise. A constant series gets simple exponential smoothing with
/// α = 0.99999 and σ² = 0, as in R. Below 7 values R switches to Holt–Winters fitted by least squares; Unroll does not
/// fit ETS there and says so.
/// AICc = lik + 2(k + 1) + 2(k + 1)(k + 2)/(n − k − 2), k counting smoothing parameters and free initial states.
/// </remarks>
public sealed class EtsMethod : IForecastingMethod
{
    /// <summary>The longest seasonal period ETS models (R's limit: a state per season position).</summary>
    public const int MaxSeason = 24;

    /// <summary>The fewest training values ETS is estimated on (R's ets uses Holt–Winters below this).</summary>
    public const int MinLength = 7;

    /// <inheritdoc/>
    public ForecastMethod Method => ForecastMethod.Ets;

    /// <summary>Fits every admissible model and keeps the one with the smallest AICc.</summary>
    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A value is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="season"/> is below 1.</exception>
    public MethodFit Fit(ReadOnlySpan<double> train, int season)
    {
        if (Prepare(train, season) is MethodFit early) return early;
        EtsEstimate? best = null;
        double bestAicc = double.PositiveInfinity;
        foreach (var model in Candidates(train, season))
        {
            var estimate = EtsEstimation.Fit(train, model, season);
            if (estimate is null) continue;
            double aicc = estimate.Aicc(train.Length);
            if (aicc < bestAicc)
            {
                best = estimate;
                bestAicc = aicc;
            }
        }
        return best is null
            ? MethodFit.Not($"no ETS model could be estimated on {train.Length} values (each had too many parameters for the data or a likelihood that could not be evaluated)")
            : MethodFit.Of(EtsFit.From(best, train.ToArray()));
    }

    /// <summary>Fits one given model (as R's <c>ets(y, model = "MAM", damped = FALSE)</c>), without selection. R
    /// switches to Holt–Winters least squares when n ≤ parameters + 4; this fits by maximum likelihood whenever the
    /// model has fewer parameters than n − 1.</summary>
    /// <param name="train">The training values, oldest first.</param>
    /// <param name="season">The seasonal period m (1 for none).</param>
    /// <param name="model">The model.</param>
    /// <returns>The fit, or why the model does not apply (a season without a period, M components on data that are
    /// not all positive, too few values for its parameters).</returns>
    /// <exception cref="ArgumentException">A value is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="season"/> is below 1.</exception>
    public MethodFit Fit(ReadOnlySpan<double> train, int season, EtsModel model)
    {
        if (Prepare(train, season) is MethodFit early)
            return early.Fitted is null ? early
                : MethodFit.Not($"{model} is not fitted to a constant series (every value is {train[0]}); Fit(train, season) gives it simple exponential smoothing, as R's ets does");
        if (model.HasSeason && !SeasonUsable(train.Length, season, out string why)) return MethodFit.Not($"{model}: {why}");
        if (model.Error == EtsError.Additive && model.Season == EtsSeason.Multiplicative)
            return MethodFit.Not($"{model} is not fitted: additive errors with a multiplicative season are numerically unstable (R's ets excludes it too)");
        if ((model.Error == EtsError.Multiplicative || model.Season == EtsSeason.Multiplicative) && !AllPositive(train))
            return MethodFit.Not($"{model} needs values above 0 (multiplicative components divide by them); this series has {train[IndexOfNonPositive(train)]} at step {IndexOfNonPositive(train)}");
        var estimate = EtsEstimation.Fit(train, model, season);
        int k = model.SmoothingParameterCount + EtsFilter.StateLength(model, model.HasSeason ? season : 1) - (model.HasSeason ? 1 : 0);
        return estimate is null
            ? MethodFit.Not($"{model} could not be estimated on {train.Length} values: it has {k} parameters (smoothing parameters and free initial states) and needs at least {k + 2} values, and a likelihood that can be evaluated at its starting values")
            : MethodFit.Of(EtsFit.From(estimate, train.ToArray()));
    }

    /// <summary>The models <see cref="Fit(ReadOnlySpan{double}, int)"/> tries on these values, in the order it tries them.</summary>
    /// <param name="train">The training values.</param>
    /// <param name="season">The seasonal period m (1 for none).</param>
    public static IReadOnlyList<EtsModel> Candidates(ReadOnlySpan<double> train, int season)
    {
        bool positive = AllPositive(train);
        bool seasonal = SeasonUsable(train.Length, season, out _);
        var models = new List<EtsModel>(15);
        // R's loop: error (A, M), trend (N, A), season (N, A, M), damped (TRUE, FALSE); the first of equal AICcs wins.
        foreach (var error in (ReadOnlySpan<EtsError>)[EtsError.Additive, EtsError.Multiplicative])
        {
            if (error == EtsError.Multiplicative && !positive) continue;
            foreach (bool trend in (ReadOnlySpan<bool>)[false, true])
                foreach (var s in (ReadOnlySpan<EtsSeason>)[EtsSeason.None, EtsSeason.Additive, EtsSeason.Multiplicative])
                {
                    if (s != EtsSeason.None && !seasonal) continue;
                    if (error == EtsError.Additive && s == EtsSeason.Multiplicative) continue;
                    if (trend) models.Add(new EtsModel(error, EtsTrend.AdditiveDamped, s));
                    models.Add(new EtsModel(error, trend ? EtsTrend.Additive : EtsTrend.None, s));
                }
        }
        return models;
    }

    private static MethodFit? Prepare(ReadOnlySpan<double> train, int season)
    {
        PredictionIntervals.CheckTrain(ForecastMethod.Ets, train, season);
        if (train.Length == 0) return MethodFit.Not("ETS needs training values; there are none");
        if (IsConstant(train))
        {
            // R: ets(y) on a constant series returns ses(y, alpha = 0.99999, initial = "simple")$model.
            return MethodFit.Of(EtsFit.Constant(train.ToArray()));
        }
        if (train.Length < MinLength)
            return MethodFit.Not($"ETS needs at least {MinLength} training values to estimate a model by maximum likelihood, got {train.Length}");
        return null;
    }

    private static bool SeasonUsable(int n, int season, out string why)
    {
        why = season <= 1 ? "the series has no seasonal period (m = 1)"
            : season > MaxSeason ? $"a seasonal period of {season} is longer than the {MaxSeason} ETS models (R's ets ignores it too)"
            : n <= season ? $"a season of {season} needs more than {season} values, got {n}"
            : "";
        return why.Length == 0;
    }

    /// <summary>R's <c>is.constant</c>: the mean absolute difference from the first value is at most 1.5e-8 of the
    /// mean absolute value (or at most 1.5e-8 when that is tiny), as <c>all.equal</c> judges.</summary>
    internal static bool IsConstant(ReadOnlySpan<double> y)
    {
        double diff = 0, size = 0;
        foreach (double v in y)
        {
            diff += Math.Abs(v - y[0]);
            size += Math.Abs(v);
        }
        diff /= y.Length;
        size /= y.Length;
        const double tolerance = 1.5e-8;
        return size > tolerance ? diff / size <= tolerance : diff <= tolerance;
    }

    private static bool AllPositive(ReadOnlySpan<double> y) => IndexOfNonPositive(y) < 0;

    private static int IndexOfNonPositive(ReadOnlySpan<double> y)
    {
        for (int t = 0; t < y.Length; t++)
            if (!(y[t] > 0)) return t;
        return -1;
    }

    internal static void RequireFinite(ReadOnlySpan<double> values, string name)
    {
        for (int t = 0; t < values.Length; t++)
            if (!double.IsFinite(values[t]))
                throw new ArgumentException($"ETS needs finite values, but step {t} of {values.Length} is {values[t]}; drop or fill missing values before fitting (Unroll.Data.TimeSeries refuses them)", name);
    }
}
