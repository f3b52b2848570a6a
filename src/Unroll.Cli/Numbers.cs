using System.Globalization;

namespace Unroll.Cli;

/// <summary>Numbers in tables and messages: a fixed number of significant digits, so no value, however large, takes a whole line.</summary>
internal static class Numbers
{
    /// <summary>
    /// <paramref name="value"/> to <paramref name="digits"/> significant digits: plain notation for ordinary magnitudes
    /// (164.42, 0.0123), scientific beyond (5.57688e+09); "–" for NaN (no value), "∞" and "−∞" for infinities.
    /// </summary>
    public static string Significant(double value, int digits = 6)
    {
        if (double.IsNaN(value)) return "–";
        if (double.IsInfinity(value)) return value > 0 ? "∞" : "−∞";
        var text = value.ToString("G" + digits, CultureInfo.InvariantCulture);
        return text.Replace("E", "e", StringComparison.Ordinal) switch
        {
            "-0" => "0",
            var t => t,
        };
    }
}
