using System.Globalization;
using System.Text;

namespace Unroll.Charts;

/// <summary>Text and numbers as they go into SVG and HTML, which must both stay valid XML.</summary>
public static class Xml
{
    /// <summary>
    /// Escapes text for an HTML or XML element body or a double-quoted attribute: &amp;, &lt;, &gt;, " and ' become
    /// entities; characters XML forbids (control characters, lone surrogates, U+FFFE, U+FFFF) become U+FFFD.
    /// </summary>
    /// <param name="text">Any text; null gives "".</param>
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

    /// <summary>
    /// A number in an SVG attribute (a coordinate, a width, a font size): invariant, at most one decimal (a tenth of a
    /// pixel), trailing zeros dropped, and never "-0".
    /// </summary>
    public static string Number(double value)
    {
        double rounded = Math.Round(value, 1);
        if (rounded == 0) rounded = 0; // no "-0"
        return rounded.ToString("0.#", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// An opacity in an SVG attribute: clamped to [0, 1] (NaN gives 1, fully opaque), at most two decimals, so that 0.15
    /// stays 0.15 where <see cref="Number"/> would make it 0.2.
    /// </summary>
    public static string Opacity(double value)
    {
        double clamped = double.IsNaN(value) ? 1 : Math.Clamp(value, 0, 1);
        return Math.Round(clamped, 2).ToString("0.##", CultureInfo.InvariantCulture);
    }
}
