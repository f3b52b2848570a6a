using System.Globalization;
using Unroll.Charts;

namespace Unroll.Cli.Svg;

/// <summary>Numbers as people read them in explanations and drawings: 6 significant digits, a true minus sign.</summary>
internal static class NumberText
{
    /// <summary>The minus sign U+2212, wider and clearer than a hyphen next to ×.</summary>
    public const char Minus = '\u2212';

    /// <summary>6 significant digits, trailing zeros dropped (0.9900000000000001 → 0.99), −0 as 0, 1e−15 style for tiny and huge:
    /// <see cref="NumberFormat.Significant"/> with a true minus sign, a bare exponent and "NaN" spelled out.</summary>
    public static string Format(double value, int digits = 6)
    {
        if (double.IsNaN(value)) return "NaN";
        var text = NumberFormat.Significant(value, digits);
        int e = text.IndexOf('e', StringComparison.Ordinal);
        if (e >= 0)
        {
            // 1.77636e-15 → 1.77636e−15, 5.6295e+14 → 5.6295e14
            var exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e] + "e" + exponent.ToString(CultureInfo.InvariantCulture);
        }
        return text.Replace('-', Minus);
    }

    /// <summary>
    /// A vector: a single value as a plain number, otherwise [a, b, c, …] with at most <paramref name="max"/> entries
    /// shown, and the count after the ellipsis when <paramref name="count"/> is set.
    /// </summary>
    public static string Vector(IReadOnlyList<double> values, int max = 8, int digits = 6, bool count = true)
    {
        if (values.Count == 1) return Format(values[0], digits);
        var shown = values.Take(max).Select(v => Format(v, digits));
        var rest = values.Count <= max ? "" : count ? $", … ({values.Count} values)" : ", …";
        return "[" + string.Join(", ", shown) + rest + "]";
    }
}
