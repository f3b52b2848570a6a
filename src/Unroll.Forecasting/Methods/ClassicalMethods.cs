namespace Unroll.Forecasting.Methods;

/// <summary>
/// The classical methods a statistician would try first, as one list: naive, seasonal naive, drift, moving average and
/// Theta (ETS joins them where it is written: pass the full list to <see cref="ClassicalMethods(IEnumerable{IForecastingMethod})"/>).
/// </summary>
public sealed class ClassicalMethods
{
    private readonly IForecastingMethod[] _methods;

    /// <summary>A registry of <paramref name="methods"/>, in that order, one per <see cref="ForecastMethod"/>.</summary>
    /// <exception cref="ArgumentException">A method appears twice, or one is the model.</exception>
    public ClassicalMethods(IEnumerable<IForecastingMethod> methods)
    {
        ArgumentNullException.ThrowIfNull(methods);
        _methods = methods.ToArray();
        var seen = new HashSet<ForecastMethod>();
        foreach (var method in _methods)
        {
            ArgumentNullException.ThrowIfNull(method, nameof(methods));
            if (method.Method is ForecastMethod.Model or ForecastMethod.Network)
                throw new ArgumentException($"the {method.Method.Name()} is not a classical method; it forecasts with Forecaster.", nameof(methods));
            if (!seen.Add(method.Method))
                throw new ArgumentException($"{method.Method.Name()} appears twice; list each method once.", nameof(methods));
        }
    }

    /// <summary>Every classical method, in report order: naive, seasonal naive, drift, moving average, Theta, ETS.</summary>
    public static IReadOnlyList<IForecastingMethod> Builtin { get; } =
        [new NaiveMethod(), new SeasonalNaiveMethod(), new DriftMethod(), new MovingAverageMethod(), new ThetaMethod(), new EtsMethod()];

    /// <summary>A registry of <see cref="Builtin"/>.</summary>
    public static ClassicalMethods Default { get; } = new(Builtin);

    /// <summary>The methods, in order.</summary>
    public IReadOnlyList<IForecastingMethod> All => _methods;

    /// <summary>The method for <paramref name="method"/>, or null when the registry has none.</summary>
    public IForecastingMethod? Find(ForecastMethod method) => Array.Find(_methods, m => m.Method == method);

    /// <summary>Fits every method to <paramref name="train"/>: a fitted method or the reason it does not apply, per method, in order.</summary>
    /// <param name="train">The training values, oldest first.</param>
    /// <param name="season">The seasonal period m (1 for none).</param>
    public IReadOnlyList<(ForecastMethod Method, MethodFit Fit)> FitAll(ReadOnlySpan<double> train, int season)
    {
        var fits = new (ForecastMethod, MethodFit)[_methods.Length];
        for (int i = 0; i < _methods.Length; i++) fits[i] = (_methods[i].Method, _methods[i].Fit(train, season));
        return fits;
    }
}
