using System.Globalization;

namespace Unroll.Charts;

/// <summary>
/// Numbers as text for people, in tables and sentences: the report's columns and the command line's figures. (Numbers in
/// SVG attributes are <see cref="Xml.Number"/>; tick labels are <see cref="Ticks"/>'.)
/// </summary>
public static class NumberFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// <paramref name="value"/> to <paramref name="digits"/> significant digits: plain notation for ordinary magnitudes
    /// (164.42, 0.0123), scientific beyond (5.57688e+09); "–" for NaN (no value), "∞" and "−∞" for infinities, and
    /// never "-0".
    /// </summary>
    public static string Significant(double value, int digits = 6)
    {
        if (double.IsNaN(value)) return "–";
        if (double.IsInfinity(value)) return value > 0 ? "∞" : "−∞";
        var text = value.ToString("G" + digits.ToString(Invariant), Invariant);
        return text.Replace("E", "e", StringComparison.Ordinal) switch
        {
            "-0" => "0",
            var t => t,
        };
    }

    /// <summary>
    /// A value in the series' units (MAE, RMSE, tooltips): four significant digits from 10 million up (1.235e+30),
    /// thousands separated with one decimal from 1000 up, three decimals from 1 up, three significant digits below 1;
    /// "n/a" when not finite.
    /// </summary>
    public static string Value(double value)
    {
        if (!double.IsFinite(value)) return "n/a";
        double a = Math.Abs(value);
        if (a >= Huge) return Scientific(value);
        if (a >= 1000) return value.ToString("N1", Invariant);
        if (a >= 1 || a == 0) return value.ToString("F3", Invariant);
        int decimals = Math.Min(12, 2 - (int)Math.Floor(Math.Log10(a)));
        return value.ToString("F" + decimals.ToString(Invariant), Invariant);
    }

    /// <summary>A number with a fixed count of decimals (four significant digits from 10 million up), or "n/a" when not finite.</summary>
    public static string Fixed(double value, int decimals)
        => !double.IsFinite(value) ? "n/a"
        : Math.Abs(value) >= Huge ? Scientific(value)
        : value.ToString("F" + decimals.ToString(Invariant), Invariant);

    // From here on a number is shown in four significant digits, so no value, however large, widens a table.
    private const double Huge = 1e7;

    private static string Scientific(double value) => value.ToString("0.###e+0", Invariant);

    /// <summary>An integer with thousands separators.</summary>
    public static string Count(long value) => value.ToString("N0", Invariant);

    /// <summary>An ISO 8601 date.</summary>
    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", Invariant);

    /// <summary>An ISO 8601 date, with the time of day (<c>2024-01-02 09:30</c>) unless it is midnight.</summary>
    public static string Date(DateTime time) => time.TimeOfDay == TimeSpan.Zero
        ? time.ToString("yyyy-MM-dd", Invariant)
        : time.ToString(time.Second == 0 && time.Millisecond == 0 ? "yyyy-MM-dd HH:mm" : "yyyy-MM-dd HH:mm:ss", Invariant);
}
