namespace Unroll.Forecasting.Methods;

/// <summary>How the error enters an ETS model: added to the one-step forecast, or multiplying it (a relative error).</summary>
public enum EtsError
{
    /// <summary>A: y_t = μ_t + ε_t.</summary>
    Additive,
    /// <summary>M: y_t = μ_t (1 + ε_t); only for strictly positive data.</summary>
    Multiplicative,
}

/// <summary>The trend of an ETS model.</summary>
public enum EtsTrend
{
    /// <summary>N: a level only.</summary>
    None,
    /// <summary>A: a level and a slope b that carries on for ever.</summary>
    Additive,
    /// <summary>Ad: a slope damped by φ each step, so that forecasts level off at l + b φ/(1 − φ).</summary>
    AdditiveDamped,
}

/// <summary>The seasonal component of an ETS model (period m).</summary>
public enum EtsSeason
{
    /// <summary>N: no season.</summary>
    None,
    /// <summary>A: seasonal effects added to the level.</summary>
    Additive,
    /// <summary>M: seasonal factors multiplying the level; only for strictly positive data.</summary>
    Multiplicative,
}

/// <summary>
/// One member of the exponential smoothing state-space family of Hyndman, Koehler, Ord and Snyder (2008),
/// named as R's <c>forecast::ets</c> names it: ETS(error, trend, season), such as "ETS(M,Ad,M)".
/// </summary>
/// <param name="Error">A or M.</param>
/// <param name="Trend">N, A or Ad.</param>
/// <param name="Season">N, A or M.</param>
public readonly record struct EtsModel(EtsError Error, EtsTrend Trend, EtsSeason Season)
{
    /// <summary>Whether the model has a slope (A or Ad).</summary>
    public bool HasTrend => Trend != EtsTrend.None;

    /// <summary>Whether the slope is damped (Ad).</summary>
    public bool Damped => Trend == EtsTrend.AdditiveDamped;

    /// <summary>Whether the model has a seasonal component.</summary>
    public bool HasSeason => Season != EtsSeason.None;

    /// <summary>The smoothing parameters it estimates: α, then β (trend), γ (season), φ (damped).</summary>
    public int SmoothingParameterCount => 1 + (HasTrend ? 1 : 0) + (HasSeason ? 1 : 0) + (Damped ? 1 : 0);

    /// <summary>"ETS(M,Ad,M)", as R prints it.</summary>
    public override string ToString()
        => $"ETS({(Error == EtsError.Additive ? "A" : "M")},{Trend switch { EtsTrend.None => "N", EtsTrend.Additive => "A", _ => "Ad" }},{Season switch { EtsSeason.None => "N", EtsSeason.Additive => "A", _ => "M" }})";

    /// <summary>Reads "ETS(M,Ad,M)", "M,Ad,M" or R's model string with its damping flag folded in ("MAdM").</summary>
    /// <exception cref="FormatException">The text is none of those forms.</exception>
    public static EtsModel Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim();
        if (s.StartsWith("ETS(", StringComparison.OrdinalIgnoreCase) && s.EndsWith(')')) s = s[4..^1];
        s = s.Replace(",", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        bool damped = s.Length == 4 && (s[2] == 'd' || s[2] == 'D');
        if (s.Length != (damped ? 4 : 3))
            throw new FormatException($"'{text}' is not an ETS model: expected three components such as ETS(M,Ad,M), M,Ad,M or MAdM");
        EtsError error = char.ToUpperInvariant(s[0]) switch
        {
            'A' => EtsError.Additive,
            'M' => EtsError.Multiplicative,
            _ => throw new FormatException($"'{text}': the error is A or M, not '{s[0]}'"),
        };
        EtsTrend trend = char.ToUpperInvariant(s[1]) switch
        {
            'N' when !damped => EtsTrend.None,
            'A' => damped ? EtsTrend.AdditiveDamped : EtsTrend.Additive,
            _ => throw new FormatException($"'{text}': the trend is N, A or Ad (Unroll, like ets by default, fits no multiplicative trend)"),
        };
        EtsSeason season = char.ToUpperInvariant(s[^1]) switch
        {
            'N' => EtsSeason.None,
            'A' => EtsSeason.Additive,
            'M' => EtsSeason.Multiplicative,
            _ => throw new FormatException($"'{text}': the season is N, A or M, not '{s[^1]}'"),
        };
        return new EtsModel(error, trend, season);
    }
}

/// <summary>The smoothing parameters of an ETS model, as R names them.</summary>
/// <param name="Alpha">α, the level's smoothing, in (0, 1).</param>
/// <param name="Beta">β, the slope's smoothing (0 &lt; β ≤ α); null without a trend.</param>
/// <param name="Gamma">γ, the season's smoothing (0 &lt; γ ≤ 1 − α); null without a season.</param>
/// <param name="Phi">φ, the damping (0.8 ≤ φ ≤ 0.98 when estimated); null unless the trend is damped.</param>
public sealed record EtsParameters(double Alpha, double? Beta = null, double? Gamma = null, double? Phi = null);
