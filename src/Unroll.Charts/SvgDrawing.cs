namespace Unroll.Charts;

/// <summary>
/// A standalone SVG 1.1 drawing of a fixed size in pixels: self-contained (no scripts, no external fonts or images), a
/// white background, an arrowhead marker for <see cref="Line"/>, one element per line. Written with
/// <see cref="SvgWriter"/>, so coordinates are rounded to 0.1 px and text is escaped. <see cref="ToString"/> gives the
/// finished document.
/// </summary>
public sealed class SvgDrawing
{
    private readonly SvgWriter _body = new();
    private readonly double _width, _height;
    private readonly string _title;

    /// <summary>A drawing <paramref name="width"/> × <paramref name="height"/> pixels named <paramref name="title"/>.</summary>
    public SvgDrawing(double width, double height, string title)
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
        ArgumentNullException.ThrowIfNull(text);
        var lines = new List<string>();
        var line = new System.Text.StringBuilder();
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

    /// <summary>A rectangle; <paramref name="dash"/> is a stroke-dasharray.</summary>
    public void Rect(double x, double y, double width, double height, string fill, string stroke, double strokeWidth = 1,
        double radius = 0, string? dash = null)
    {
        _body.Start("rect").Attr("x", x).Attr("y", y).Attr("width", width).Attr("height", height);
        if (radius > 0) _body.Attr("rx", radius);
        _body.Attr("fill", fill).Attr("stroke", stroke).Attr("stroke-width", strokeWidth).Attr("stroke-dasharray", dash).End().NewLine();
    }

    /// <summary>A straight line, with an arrowhead at its end when <paramref name="arrow"/> is set.</summary>
    public void Line(double x1, double y1, double x2, double y2, string stroke, double strokeWidth = 1, string? dash = null, bool arrow = false)
    {
        _body.Start("line").Attr("x1", x1).Attr("y1", y1).Attr("x2", x2).Attr("y2", y2).Attr("stroke", stroke).Attr("stroke-width", strokeWidth)
            .Attr("stroke-dasharray", dash).Attr("marker-end", arrow ? "url(#arrow)" : null).End().NewLine();
    }

    /// <summary>A polyline through the points; call once per unbroken run of points.</summary>
    public void Polyline(IReadOnlyList<(double X, double Y)> points, string stroke, double strokeWidth, string? dash = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0) return;
        var coordinates = string.Join(' ', points.Select(p => Xml.Number(p.X) + "," + Xml.Number(p.Y)));
        _body.Start("polyline").Attr("fill", "none").Attr("stroke", stroke).Attr("stroke-width", strokeWidth).Attr("stroke-linejoin", "round")
            .Attr("stroke-dasharray", dash).Attr("points", coordinates).End().NewLine();
    }

    /// <summary>A filled circle.</summary>
    public void Circle(double cx, double cy, double r, string fill)
        => _body.Start("circle").Attr("cx", cx).Attr("cy", cy).Attr("r", r).Attr("fill", fill).End().NewLine();

    /// <summary>Text at (x, y), y being the baseline; <paramref name="anchor"/> start, middle or end.</summary>
    public void Text(double x, double y, string text, double size = 12, string anchor = "start", string fill = "#222",
        string family = Sans, bool bold = false, bool italic = false, double rotate = 0)
    {
        _body.Start("text").Attr("x", x).Attr("y", y).Attr("font-family", family).Attr("font-size", size).Attr("fill", fill)
            .Attr("text-anchor", anchor != "start" ? anchor : null)
            .Attr("font-weight", bold ? "bold" : null)
            .Attr("font-style", italic ? "italic" : null)
            .Attr("transform", rotate != 0 ? $"rotate({Xml.Number(rotate)} {Xml.Number(x)} {Xml.Number(y)})" : null)
            .Text(text).End().NewLine();
    }

    /// <summary>The finished document.</summary>
    public override string ToString()
    {
        var svg = new SvgWriter(_body.ToString().Length + 1024);
        svg.Start("svg").Attr("xmlns", "http://www.w3.org/2000/svg").Attr("version", "1.1").Attr("width", _width).Attr("height", _height)
            .Attr("viewBox", $"0 0 {Xml.Number(_width)} {Xml.Number(_height)}").NewLine();
        svg.Start("title").Text(_title).End().NewLine();
        svg.Start("defs").Start("marker").Attr("id", "arrow").Attr("viewBox", "0 0 10 10").Attr("refX", 9).Attr("refY", 5)
            .Attr("markerWidth", 7).Attr("markerHeight", 7).Attr("orient", "auto")
            .Start("path").Attr("d", "M0,0 L10,5 L0,10 z").Attr("fill", "#444").End().End().End().NewLine();
        svg.Start("rect").Attr("width", _width).Attr("height", _height).Attr("fill", "white").End().NewLine();
        svg.Append(_body);
        svg.End().NewLine();
        return svg.ToString();
    }
}
