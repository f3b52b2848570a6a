using System.Globalization;

namespace Unroll.Forecasting.Reports;

/// <summary>Numbers in the report's text and tables (escaping and chart numbers are <see cref="Unroll.Charts.Xml"/>'s).</summary>
internal static class ReportNumbers
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

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
}
