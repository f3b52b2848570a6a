namespace Unroll.Forecasting.Methods;

/// <summary>
/// An ETS model with its parameters, initial states and σ² fixed by a fit on the training values: it forecasts from
/// any later origin by running the recursions from the initial states over the whole history (the state moves on,
/// the parameters do not), as R's <c>ets(y, model = fit, use.initial.values = TRUE)</c> followed by <c>forecast</c>.
/// </summary>
/// <remarks>
/// Intervals: μ_h ± z σ_h with z = Φ⁻¹((1 + level)/2) and σ_h² from <see cref="EtsVariance"/>: σ² for additive errors and
/// σ² μ_1² for multiplicative ones at h = 1, R's class 1/2/3 formulas beyond. σ² = Σ e_t² / (n − k) over the training
/// values (k = smoothing parameters + free initial states), fixed at the fit, as R's <c>ets</c> computes it.
/// </remarks>
public sealed class EtsFit : IFittedMethod
{
    private readonly EtsSmoothing _smoothing;
    private readonly double[] _initialState;
    private readonly double[] _fitted;

    private EtsFit(EtsModel model, int period, EtsSmoothing smoothing, double[] initialState, double[] train,
        int parameterCount, int evaluations, bool converged, bool likelihood = true)
    {
        Model = model;
        Period = model.HasSeason ? period : 1;
        _smoothing = smoothing;
        _initialState = initialState;
        TrainingLength = train.Length;
        ParameterCount = parameterCount;
        Evaluations = evaluations;
        Converged = converged;
        _fitted = new double[train.Length];
        var errors = new double[train.Length];
        Lik = EtsFilter.Run(train, model, Period, smoothing, initialState, [], _fitted, errors);
        double sse = 0;
        foreach (double e in errors) sse += e * e;
        Sigma2 = sse == 0 ? 0 : sse / (train.Length - parameterCount);
        if (!likelihood) Lik = double.NaN;
        int n = train.Length;
        Aic = Lik + 2 * (parameterCount + 1);
        Aicc = Aic + 2.0 * (parameterCount + 1) * (parameterCount + 2) / (n - parameterCount - 2);
        Bic = Lik + Math.Log(n) * (parameterCount + 1);
    }

    /// <summary>R's fit of a constant series: simple exponential smoothing with α = 0.99999 from the first value,
    /// σ² = 0 and no likelihood (a perfect fit has none).</summary>
    internal static EtsFit Constant(double[] train)
        => new(new EtsModel(EtsError.Additive, EtsTrend.None, EtsSeason.None), 1, new EtsSmoothing(0.99999, 0, 0, 1),
            [train[0]], train, 2, 0, true, likelihood: false);

    internal static EtsFit From(EtsEstimate estimate, double[] train)
        => new(estimate.Model, estimate.Period, estimate.Smoothing, estimate.InitialState, train, estimate.ParameterCount,
            estimate.Evaluations, estimate.Converged);

    /// <summary>
    /// An ETS model with given parameters and initial states (from R, say, or an earlier fit), evaluated on
    /// <paramref name="train"/>: its fitted values, likelihood and σ² are computed, nothing is estimated.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="season">The seasonal period m (ignored by non-seasonal models).</param>
    /// <param name="parameters">α and, as the model needs them, β, γ, φ.</param>
    /// <param name="initialState">x_0 = (l, b?, s_1..s_m?) as R's <c>initstate</c> (s_1 the newest seasonal state, s_m the
    /// one due at the first value).</param>
    /// <param name="train">The values the model is taken to be fitted on; σ² and the information criteria come from them.</param>
    /// <param name="parameterCount">k in σ² = Σe²/(n − k) and the criteria; default the smoothing parameters plus the free
    /// initial states (all but s_m), as R counts a fitted model's.</param>
    /// <exception cref="ArgumentException">A parameter the model needs is missing, the state has the wrong length, or a
    /// value is not finite.</exception>
    public static EtsFit Create(EtsModel model, int season, EtsParameters parameters, IReadOnlyList<double> initialState,
        ReadOnlySpan<double> train, int? parameterCount = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(initialState);
        int m = model.HasSeason ? season : 1;
        if (model.HasSeason && (m < 2 || m > EtsMethod.MaxSeason))
            throw new ArgumentException($"{model} needs a season between 2 and {EtsMethod.MaxSeason}, got {season}", nameof(season));
        int length = EtsFilter.StateLength(model, m);
        if (initialState.Count != length)
            throw new ArgumentException($"{model} with m = {m} has {length} initial states (l{(model.HasTrend ? ", b" : "")}{(model.HasSeason ? $", s1..s{m}" : "")}), got {initialState.Count}", nameof(initialState));
        EtsMethod.RequireFinite(train, nameof(train));
        var smoothing = EtsSmoothing.Of(model, parameters);
        int k = parameterCount ?? model.SmoothingParameterCount + length - (model.HasSeason ? 1 : 0);
        return new EtsFit(model, m, smoothing, [.. initialState], train.ToArray(), k, 0, true);
    }

    /// <inheritdoc/>
    public ForecastMethod Method => ForecastMethod.Ets;

    /// <summary>"ETS(M,Ad,M)", as R prints the model.</summary>
    public string Description => Model.ToString();

    /// <summary>Which model was fitted.</summary>
    public EtsModel Model { get; }

    /// <summary>The seasonal period m the model uses (1 without a season).</summary>
    public int Period { get; }

    /// <summary>α and, as the model has them, β, γ, φ.</summary>
    public EtsParameters Parameters => new(_smoothing.Alpha, Model.HasTrend ? _smoothing.Beta : null,
        Model.HasSeason ? _smoothing.Gamma : null, Model.Damped ? _smoothing.Phi : null);

    /// <summary>x_0 = (l, b?, s_1..s_m?), the state before the first training value, laid out as R's <c>initstate</c>.</summary>
    public IReadOnlyList<double> InitialState => _initialState;

    /// <summary>The number of training values n.</summary>
    public int TrainingLength { get; }

    /// <summary>k: smoothing parameters plus free initial states.</summary>
    public int ParameterCount { get; }

    /// <summary>The variance of ε from the training residuals, Σe²/(n − k) (relative residuals for M errors).</summary>
    public double Sigma2 { get; }

    /// <summary>n log Σe² (+ 2 Σ log|μ_t| for M errors): −2 log L up to a constant, R's <c>lik</c>; the log-likelihood R
    /// reports is −Lik/2. NaN (and so are the criteria) for a constant series, which fits perfectly.</summary>
    public double Lik { get; }

    /// <summary>Lik + 2(k + 1).</summary>
    public double Aic { get; }

    /// <summary>AIC + 2(k + 1)(k + 2)/(n − k − 2), the criterion the model was chosen by.</summary>
    public double Aicc { get; }

    /// <summary>Lik + log(n)(k + 1).</summary>
    public double Bic { get; }

    /// <summary>The one-step forecasts μ_t of the training values (n).</summary>
    public IReadOnlyList<double> Fitted => _fitted;

    /// <summary>Likelihood evaluations the optimiser used (0 for <see cref="Create"/>).</summary>
    public int Evaluations { get; }

    /// <summary>False when the optimiser stopped at its limit of 2000 evaluations, as R's often does on seasonal models.</summary>
    public bool Converged { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="history"/> is shorter than the training values, or has a
    /// non-finite value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The horizon is below 1, or a level is outside (0, 1).</exception>
    public MethodForecast Forecast(ReadOnlySpan<double> history, int horizon, IReadOnlyList<double> levels)
    {
        PredictionIntervals.CheckForecastArguments(ForecastMethod.Ets, TrainingLength, history, horizon, levels);
        EtsMethod.RequireFinite(history, nameof(history));

        var last = new double[_initialState.Length];
        EtsFilter.Run(history, Model, Period, _smoothing, _initialState, last, [], []);
        var (mean, variance) = EtsVariance.Forecast(Model, Period, _smoothing, Sigma2, last, horizon);
        var intervals = new List<PredictionInterval>(levels.Count);
        foreach (double level in levels)
        {
            double z = EtsVariance.NormalQuantile(0.5 + level / 2);
            var lower = new double[horizon];
            var upper = new double[horizon];
            for (int h = 0; h < horizon; h++)
            {
                double margin = z * Math.Sqrt(variance[h]);
                lower[h] = mean[h] - margin;
                upper[h] = mean[h] + margin;
            }
            intervals.Add(new PredictionInterval(level, lower, upper));
        }
        return new MethodForecast(mean, intervals);
    }

    /// <summary>The model, its parameters and σ², on one line.</summary>
    public override string ToString()
    {
        var p = Parameters;
        string par = $"α = {p.Alpha:G4}" + (p.Beta is double b ? $", β = {b:G4}" : "") + (p.Gamma is double g ? $", γ = {g:G4}" : "")
                     + (p.Phi is double f ? $", φ = {f:G4}" : "");
        return $"{Description}: {par}, σ² = {Sigma2:G4}, AICc = {Aicc:G6}";
    }
}
