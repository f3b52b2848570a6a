using System.Xml.Linq;

namespace Unroll.Charts.Tests;

public sealed class XmlTests
{
    [Theory]
    [InlineData("a < b & \"c\" 'd' > e", "a &lt; b &amp; &quot;c&quot; &#39;d&#39; &gt; e")]
    [InlineData("tab\tnew line\ncarriage\r", "tab\tnew line\ncarriage\r")]
    [InlineData("bell\u0007 nul\0 end", "bell\uFFFD nul\uFFFD end")]
    [InlineData("\uFFFE\uFFFF", "\uFFFD\uFFFD")]
    [InlineData("pair \uD83D\uDCC8 kept", "pair \uD83D\uDCC8 kept")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Escape_EntitiesForMarkupAndReplacementForWhatXmlForbids(string? text, string expected)
        => Assert.Equal(expected, Xml.Escape(text));

    [Fact]
    public void Escape_LoneSurrogates_BecomeTheReplacementCharacter()
        => Assert.Equal("lone \uFFFD high, lone \uFFFD low, \uFFFD", Xml.Escape("lone \uD800 high, lone \uDC00 low, \uDBFF"));

    [Fact]
    public void Escape_AnyCharacterAtAll_ParsesBackAsXml()
    {
        var all = new string(Enumerable.Range(0, 0x10000).Select(c => (char)c).ToArray());

        var parsed = XElement.Parse($"<t a=\"{Xml.Escape(all)}\">{Xml.Escape(all)}</t>");

        Assert.Contains("!\"#$%&'()*+,-./0123456789:;<=>?", parsed.Value, StringComparison.Ordinal);
        Assert.Contains("!\"#$%&'()*+,-./0123456789:;<=>?", parsed.Attribute("a")!.Value, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(12.34, "12.3")]
    [InlineData(12.36, "12.4")]
    [InlineData(5, "5")]
    [InlineData(-0.04, "0")]
    [InlineData(-0.0, "0")]
    [InlineData(-3.25, "-3.2")]
    [InlineData(1234567.89, "1234567.9")]
    public void Number_OneDecimalInvariantAndNeverMinusZero(double value, string expected)
        => Assert.Equal(expected, Xml.Number(value));
}

public sealed class SvgWriterTests
{
    [Fact]
    public void Elements_NestAttributesEscapeAndEmptyOnesSelfClose()
    {
        var w = new SvgWriter();
        w.Start("g").Attr("fill", "#444").Attr("skipped", null);
        w.Start("text").Attr("x", 10.04).Attr("y", -0.01).Text("a < b").End();
        w.Start("line").Attr("x1", 1).End();
        w.Start("text").Text("").End();
        w.End();

        Assert.Equal("<g fill=\"#444\"><text x=\"10\" y=\"0\">a &lt; b</text><line x1=\"1\"/><text></text></g>", w.ToString());
    }

    [Fact]
    public void Attr_AfterContent_Throws()
    {
        var w = new SvgWriter();
        w.Start("text").Text("x");
        Assert.Throws<InvalidOperationException>(() => w.Attr("y", 1));
    }

    [Fact]
    public void ToString_WithAnElementOpen_Throws()
    {
        var w = new SvgWriter();
        w.Start("g");
        Assert.Throws<InvalidOperationException>(() => w.ToString());
    }

    [Fact]
    public void Drawing_IsOneStandaloneDocumentWithTitleArrowAndEscapedText()
    {
        var d = new SvgDrawing(200, 100, "a title & more");
        d.Line(0, 0, 10, 10, "#444", arrow: true);
        d.Text(5, 5, "it's <here>", bold: true, rotate: -90);
        d.Polyline([(1, 2), (3.25, 4)], "#000", 2, LineDash.Dashed.DashArray());

        var text = d.ToString();
        var root = XDocument.Parse(text).Root!;
        XNamespace ns = "http://www.w3.org/2000/svg";

        Assert.Equal(ns + "svg", root.Name);
        Assert.Equal("a title & more", root.Element(ns + "title")!.Value);
        Assert.NotNull(root.Descendants(ns + "marker").SingleOrDefault(m => (string?)m.Attribute("id") == "arrow"));
        Assert.Equal("url(#arrow)", (string?)root.Element(ns + "line")!.Attribute("marker-end"));
        Assert.Equal("it's <here>", root.Element(ns + "text")!.Value);
        Assert.Equal("rotate(-90 5 5)", (string?)root.Element(ns + "text")!.Attribute("transform"));
        Assert.Equal("1,2 3.2,4", (string?)root.Element(ns + "polyline")!.Attribute("points"));
        Assert.Equal("7 4", (string?)root.Element(ns + "polyline")!.Attribute("stroke-dasharray"));
        Assert.EndsWith("</svg>\n", text);
    }
}
