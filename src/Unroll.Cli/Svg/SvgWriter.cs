using System.Globalization;
using System.Security;
using System.Text;

namespace Unroll.Cli.Svg;

/// <summary>
/// A small SVG 1.1 builder: self-contained (no scripts, no external fonts or images), coordinates rounded to
/// 0.1 px so files stay small, text XML-escaped. <see cref="ToString"/> gives the finished document.
/// </summary>
internal sealed class SvgWriter
{
    private readonly StringBuilder _body = new();
    private readonly double _width, _height;
    private readonly string _title;

    public SvgWriter(double width, double height, string title)
    {
        _width = width;
        _height = height;
        _title = title;
    }

    /// <summary>Sans-serif text for labels.</summary>
    public const string Sans = "DejaVu Sans, Arial, Helvetica, sans-serif";

    /// <summary>Monospace text for numbers, so that widths can be estimated: about 0.6 em per character.</summary>
    public const string Mono = "DejaVu Sans Mono, Menlo, Consolas, monospace";

    /// <summary>The estimated width of <paramref name="text"/> in <see cref="Mono"/> at <paramref name="size"/> px.</summary>
    public static double MonoWidth(string text, double size) => text.Length * size * 0.602;

    /// <summary>A rough width of <paramref name="text"/> in <see cref="Sans"/> at <paramref name="size"/> px (bold about 8% wider).</summary>
    public static double SansWidth(string text, double size, bool bold = false) => text.Length * size * (bold ? 0.62 : 0.56);

    /// <summary>Splits <paramref name="text"/> at spaces into lines of at most <paramref name="maxChars"/> characters.</summary>
    public static IReadOnlyList<string> Wrap(string text, int maxChars)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > maxChars)
            {
                lines.Add(line.ToString());
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) lines.Add(line.ToString());
        return lines;
    }

    public void Rect(double x, double y, double width, double height, string fill, string stroke, double strokeWidth = 1,
        double radius = 0, string? dash = null)
    {
        _body.Append(CultureInfo.InvariantCulture, $"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(width)}\" height=\"{N(height)}\"");
        if (radius > 0) _body.Append(CultureInfo.InvariantCulture, $" rx=\"{N(radius)}\"");
        _body.Append(CultureInfo.InvariantCulture, $" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{N(strokeWidth)}\"");
        if (dash is not null) _body.Append(CultureInfo.InvariantCulture, $" stroke-dasharray=\"{dash}\"");
        _body.Append("/>\n");
    }

    public void Line(double x1, double y1, double x2, double y2, string stroke, double strokeWidth = 1, string? dash = null, bool arrow = false)
    {
        _body.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" stroke=\"{stroke}\" stroke-width=\"{N(strokeWidth)}\"");
        if (dash is not null) _body.Append(CultureInfo.InvariantCulture, $" stroke-dasharray=\"{dash}\"");
        if (arrow) _body.Append(" marker-end=\"url(#arrow)\"");
        _body.Append("/>\n");
    }

    /// <summary>A polyline through the points; call once per unbroken run of points.</summary>
    public void Polyline(IReadOnlyList<(double X, double Y)> points, string stroke, double strokeWidth, string? dash = null)
    {
        if (points.Count == 0) return;
        _body.Append("<polyline fill=\"none\" stroke=\"").Append(stroke).Append("\" stroke-width=\"").Append(N(strokeWidth))
            .Append("\" stroke-linejoin=\"round\"");
        if (dash is not null) _body.Append(" stroke-dasharray=\"").Append(dash).Append('"');
        _body.Append(" points=\"");
        for (int i = 0; i < points.Count; i++)
        {
            if (i > 0) _body.Append(' ');
            _body.Append(N(points[i].X)).Append(',').Append(N(points[i].Y));
        }
        _body.Append("\"/>\n");
    }

    public void Circle(double cx, double cy, double r, string fill)
        => _body.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{N(cx)}\" cy=\"{N(cy)}\" r=\"{N(r)}\" fill=\"{fill}\"/>\n");

    /// <summary>Text at (x, y), y being the baseline; <paramref name="anchor"/> start, middle or end.</summary>
    public void Text(double x, double y, string text, double size = 12, string anchor = "start", string fill = "#222",
        string family = Sans, bool bold = false, bool italic = false, double rotate = 0)
    {
        _body.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(x)}\" y=\"{N(y)}\" font-family=\"{family}\" font-size=\"{N(size)}\" fill=\"{fill}\"");
        if (anchor != "start") _body.Append(CultureInfo.InvariantCulture, $" text-anchor=\"{anchor}\"");
        if (bold) _body.Append(" font-weight=\"bold\"");
        if (italic) _body.Append(" font-style=\"italic\"");
        if (rotate != 0) _body.Append(CultureInfo.InvariantCulture, $" transform=\"rotate({N(rotate)} {N(x)} {N(y)})\"");
        _body.Append('>').Append(SecurityElement.Escape(text)).Append("</text>\n");
    }

    /// <summary>The finished document.</summary>
    public override string ToString()
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{N(_width)}\" height=\"{N(_height)}\" viewBox=\"0 0 {N(_width)} {N(_height)}\">\n");
        svg.Append("<title>").Append(SecurityElement.Escape(_title)).Append("</title>\n");
        svg.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">")
            .Append("<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#444\"/></marker></defs>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{N(_width)}\" height=\"{N(_height)}\" fill=\"white\"/>\n");
        svg.Append(_body);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string N(double v) => Math.Round(v, 1).ToString("0.#", CultureInfo.InvariantCulture);
}
