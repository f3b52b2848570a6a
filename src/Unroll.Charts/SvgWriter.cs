using System.Text;

namespace Unroll.Charts;

/// <summary>
/// Writes SVG markup one element at a time: every attribute value and every text is escaped with
/// <see cref="Xml.Escape"/>, every number written with <see cref="Xml.Number"/>, so what comes out is valid XML
/// whatever the labels hold.
/// </summary>
/// <example><code>
/// var w = new SvgWriter();
/// w.Start("g").Attr("fill", "#444");
/// w.Start("text").Attr("x", 10).Attr("y", 20).Text("a &lt; b").End();
/// w.End();   // &lt;g fill="#444"&gt;&lt;text x="10" y="20"&gt;a &amp;lt; b&lt;/text&gt;&lt;/g&gt;
/// </code></example>
public sealed class SvgWriter
{
    private readonly StringBuilder _markup;
    private readonly Stack<string> _open = new();
    private bool _inStartTag;

    /// <summary>A writer with room for <paramref name="capacity"/> characters before it grows.</summary>
    public SvgWriter(int capacity = 4096) => _markup = new StringBuilder(capacity);

    /// <summary>Starts an element; its attributes follow, then <see cref="Text"/>, child elements, and <see cref="End"/>.</summary>
    /// <param name="name">The element name, such as "line".</param>
    public SvgWriter Start(string name)
    {
        CloseStartTag();
        _markup.Append('<').Append(name);
        _open.Push(name);
        _inStartTag = true;
        return this;
    }

    /// <summary>A numeric attribute, written with <see cref="Xml.Number"/>.</summary>
    public SvgWriter Attr(string name, double value) => Attr(name, Xml.Number(value));

    /// <summary>An attribute with an escaped value; a null value writes nothing.</summary>
    public SvgWriter Attr(string name, string? value)
    {
        if (!_inStartTag) throw new InvalidOperationException($"attribute '{name}' comes after the start tag of <{(_open.Count > 0 ? _open.Peek() : "?")}> was closed");
        if (value is not null) _markup.Append(' ').Append(name).Append("=\"").Append(Xml.Escape(value)).Append('"');
        return this;
    }

    /// <summary>Escaped text inside the current element.</summary>
    public SvgWriter Text(string? text)
    {
        CloseStartTag();
        _markup.Append(Xml.Escape(text));
        return this;
    }

    /// <summary>Ends the current element: "/&gt;" when it has no content, else its end tag.</summary>
    public SvgWriter End()
    {
        if (_open.Count == 0) throw new InvalidOperationException("no element is open");
        string name = _open.Pop();
        if (_inStartTag) _markup.Append("/>");
        else _markup.Append("</").Append(name).Append('>');
        _inStartTag = false;
        return this;
    }

    /// <summary>A line break between elements, for files people may read.</summary>
    public SvgWriter NewLine()
    {
        CloseStartTag();
        _markup.Append('\n');
        return this;
    }

    /// <summary>Markup written by another <see cref="SvgWriter"/>, as a child of the current element.</summary>
    public SvgWriter Append(SvgWriter other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._open.Count > 0) throw new InvalidOperationException($"<{other._open.Peek()}> is still open in the markup appended");
        CloseStartTag();
        _markup.Append(other._markup);
        return this;
    }

    /// <summary>The markup so far; every element must have been ended.</summary>
    public override string ToString()
    {
        if (_open.Count > 0) throw new InvalidOperationException($"<{_open.Peek()}> is still open");
        return _markup.ToString();
    }

    private void CloseStartTag()
    {
        if (!_inStartTag) return;
        _markup.Append('>');
        _inStartTag = false;
    }
}
