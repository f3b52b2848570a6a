using System.Globalization;
using System.Text;

namespace Unroll.Forecasting.Reports;

/// <summary>Escaping and number formatting shared by the HTML page and the SVG charts (both must stay valid XML).</summary>
internal static class Markup
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// Escapes text for an HTML or XML element body or a double-quoted attribute: &amp;, &lt;, &gt;, " and ' become
    /// entities; characters XML forbids (control characters, lone surrogates, U+FFFE, U+FFFF) become U+FFFD.
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length + 16);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        sb.Append(c).Append(text[++i]);
                    }
                    else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || char.IsSurrogate(c) || c == '\uFFFE' || c == '\uFFFF')
                    {
                        sb.Append('\uFFFD');
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>A coordinate in an SVG: invariant, at most one decimal (a tenth of a pixel in a 960-wide viewBox).</summary>
    public static string Coord(double value)
    {
        double rounded = Math.Round(value, 1);
        if (rounded == 0) rounded = 0; // no "-0"
        return rounded.ToString("0.#", Invariant);
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
}
