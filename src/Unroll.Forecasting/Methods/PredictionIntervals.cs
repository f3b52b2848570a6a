namespace Unroll.Forecasting.Methods;

/// <summary>
/// Normal prediction intervals, as R's forecast package builds them: mean ± z·sd, z = Φ⁻¹(0.5 + level/2)
/// (<c>qnorm(0.5 + level/200)</c> for a level in percent).
/// </summary>
public static class PredictionIntervals
{
    /// <summary>The standard normal quantile Φ⁻¹(p), to about 1e-16 relative (Wichura's AS 241, PPND16, the algorithm
    /// of R's <c>qnorm</c>).</summary>
    /// <param name="p">A probability in (0, 1).</param>
    public static double NormalQuantile(double p)
    {
        if (!(p > 0 && p < 1))
            throw new ArgumentOutOfRangeException(nameof(p), p, "a probability must be above 0 and below 1.");
        double q = p - 0.5;
        if (Math.Abs(q) <= 0.425)
        {
            double r = 0.180625 - q * q;
            return q * (((((((2.5090809287301226727e3 * r + 3.3430575583588128105e4) * r + 6.7265770927008700853e4) * r
                        + 4.5921953931549871457e4) * r + 1.3731693765509461125e4) * r + 1.9715909503065514427e3) * r
                        + 1.3314166789178437745e2) * r + 3.3871328727963666080e0)
                   / (((((((5.2264952788528545610e3 * r + 2.8729085735721942674e4) * r + 3.9307895800092710610e4) * r
                        + 2.1213794301586595867e4) * r + 5.3941960214247511077e3) * r + 6.8718700749205790830e2) * r
                        + 4.2313330701600911252e1) * r + 1.0);
        }
        double s = Math.Sqrt(-Math.Log(q < 0 ? p : 1 - p));
        double x;
        if (s <= 5)
        {
            s -= 1.6;
            x = (((((((7.74545014278341407640e-4 * s + 2.27238449892691845833e-2) * s + 2.41780725177450611770e-1) * s
                    + 1.27045825245236838258e0) * s + 3.64784832476320460504e0) * s + 5.76949722146069140550e0) * s
                    + 4.63033784615654529590e0) * s + 1.42343711074968357734e0)
                / (((((((1.05075007164441684324e-9 * s + 5.47593808499534494600e-4) * s + 1.51986665636164571966e-2) * s
                    + 1.48103976427480074590e-1) * s + 6.89767334985100004550e-1) * s + 1.67638483018380384940e0) * s
                    + 2.05319162663775882187e0) * s + 1.0);
        }
        else
        {
            s -= 5;
            x = (((((((2.01033439929228813265e-7 * s + 2.71155556874348757815e-5) * s + 1.24266094738807843860e-3) * s
                    + 2.65321895265761230930e-2) * s + 2.96560571828504891230e-1) * s + 1.78482653991729133580e0) * s
                    + 5.46378491116411436990e0) * s + 6.65790464350110377720e0)
                / (((((((2.04426310338993978564e-15 * s + 1.42151175831644588870e-7) * s + 1.84631831751005468180e-5) * s
                    + 7.86869131145613259100e-4) * s + 1.48753612908506148525e-2) * s + 1.36929880922735805310e-1) * s
                    + 5.99832206555887937690e-1) * s + 1.0);
        }
        return q < 0 ? -x : x;
    }

    /// <summary>The multiplier z of a central interval at <paramref name="level"/>: Φ⁻¹(0.5 + level/2); 1.2816 for 0.8,
    /// 1.9600 for 0.95.</summary>
    /// <param name="level">The coverage aimed at, in (0, 1).</param>
    public static double Z(double level)
    {
        CheckLevel(level);
        return NormalQuantile(0.5 + level / 2);
    }

    /// <summary>Mean ± z·sd at each step and level.</summary>
    /// <param name="mean">The point forecast of each step (h).</param>
    /// <param name="sd">The forecast standard deviation of each step (h), at least 0.</param>
    /// <param name="levels">Levels in (0, 1).</param>
    public static MethodForecast Normal(double[] mean, ReadOnlySpan<double> sd, IReadOnlyList<double> levels)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(levels);
        if (sd.Length != mean.Length)
            throw new ArgumentException($"{sd.Length} standard deviations for {mean.Length} steps.", nameof(sd));
        var intervals = new PredictionInterval[levels.Count];
        for (int i = 0; i < levels.Count; i++)
        {
            double z = Z(levels[i]);
            var lower = new double[mean.Length];
            var upper = new double[mean.Length];
            for (int k = 0; k < mean.Length; k++)
            {
                lower[k] = mean[k] - z * sd[k];
                upper[k] = mean[k] + z * sd[k];
            }
            intervals[i] = new PredictionInterval(levels[i], lower, upper);
        }
        return new MethodForecast(mean, intervals);
    }

    /// <summary>Checks the arguments every <see cref="IFittedMethod.Forecast"/> takes.</summary>
    internal static void CheckForecastArguments(ForecastMethod method, int fittedLength, ReadOnlySpan<double> history, int horizon, IReadOnlyList<double> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        if (horizon < 1)
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, $"{method.Name()}: the horizon must be at least 1 step.");
        if (history.Length < fittedLength)
            throw new ArgumentException($"{method.Name()}: the history has {history.Length} values, but the method was fitted on {fittedLength}; the history must begin with the values it was fitted on.", nameof(history));
        foreach (double level in levels) CheckLevel(level);
    }

    private static void CheckLevel(double level)
    {
        if (!(level > 0 && level < 1))
            throw new ArgumentOutOfRangeException(nameof(level), level, "an interval level must be above 0 and below 1 (0.8 for 80%).");
    }

    /// <summary>Checks training values: all finite.</summary>
    internal static void CheckTrain(ForecastMethod method, ReadOnlySpan<double> train, int season)
    {
        if (season < 1)
            throw new ArgumentOutOfRangeException(nameof(season), season, $"{method.Name()}: the season (steps per cycle) must be at least 1; 1 means not seasonal.");
        for (int t = 0; t < train.Length; t++)
        {
            if (!double.IsFinite(train[t]))
                throw new ArgumentException($"{method.Name()}: training value {t} is {train[t]}; every value must be finite.", nameof(train));
        }
    }
}
