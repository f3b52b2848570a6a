using System.Globalization;
using System.Xml.Linq;

namespace Unroll.Charts.Tests;

public sealed class ChartBandTests
{
    private static XElement Render(LineChart chart) => XDocument.Parse(chart.Render()).Root!;

    private static IEnumerable<XElement> BandPaths(XElement svg) => svg.Elements().Where(e => e.Name.LocalName == "path" && e.Attribute("fill-opacity") is not null);

    private static (double X, double Y)[] Vertices(XElement path) => path.Attribute("d")!.Value.TrimEnd('Z').Split(['M', 'L'], StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split(' ')).Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture))).ToArray();

    [Fact]
    public void Band_IsOneClosedOutlineAlongTheUpperBoundAndBackAlongTheLower()
    {
        var chart = new LineChart { Width = 600, Height = 300 };
        chart.Lines.Add(new ChartLine("forecast", [0, 5, 10], [5, 5, 5], "#1f6fd1") { Markers = true });
        chart.Bands.Add(new ChartBand("80% interval", [0, 5, 10], [4, 3, 0], [6, 7, 10], "#1f6fd1"));

        var svg = Render(chart);
        var outline = Assert.Single(BandPaths(svg));
        var v = Vertices(outline);
        var dots = svg.Descendants().Where(e => e.Name.LocalName == "circle").Select(c => (X: (double)c.Attribute("cx")!, Y: (double)c.Attribute("cy")!)).ToArray();

        Assert.EndsWith("Z", outline.Attribute("d")!.Value);
        Assert.Equal("#1f6fd1", (string?)outline.Attribute("fill"));
        Assert.Equal(6, v.Length);
        Assert.Equal(dots.Select(d => d.X), v.Take(3).Select(p => p.X));            // along the upper bound, left to right
        Assert.Equal(dots.Select(d => d.X).Reverse(), v.Skip(3).Select(p => p.X));  // then back along the lower
        Assert.True(v[0].Y < dots[0].Y && v[5].Y > dots[0].Y, "the upper bound is above the line and the lower below it");
        // Bounds 0 to 10 set the y axis: the line at 5 is halfway up, and the widest point spans the plot.
        Assert.Equal((v[2].Y + v[3].Y) / 2, dots[2].Y, 1);
    }

    [Fact]
    public void Band_ExtendsTheYAxisAndHasALegendEntry()
    {
        var chart = new LineChart();
        chart.Lines.Add(new ChartLine("forecast", [1, 2, 3], [10, 11, 12], "#000"));
        chart.Bands.Add(new ChartBand("interval", [1, 2, 3], [5, 4, 3], [15, 18, 21], "#1f6fd1"));

        var svg = Render(chart);
        var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();

        Assert.Contains("interval", texts);
        Assert.Contains(svg.Elements(), e => e.Name.LocalName == "rect" && (string?)e.Attribute("fill") == "#1f6fd1" && e.Attribute("fill-opacity") is not null);
        var yLabels = svg.Elements().Single(e => e.Name.LocalName == "g" && (string?)e.Attribute("text-anchor") == "end").Elements()
            .Select(e => double.Parse(e.Value, CultureInfo.InvariantCulture)).ToList();
        Assert.True(yLabels.Min() <= 3 && yLabels.Max() >= 21, $"y ticks {string.Join(", ", yLabels)} should enclose the band");
    }

    [Fact]
    public void Band_GapsSplitItAndALonePointIsAStroke()
    {
        var chart = new LineChart();
        double nan = double.NaN;
        chart.Bands.Add(new ChartBand("b", [1, 2, 3, 4, 5, 6, 7], [1, 1, nan, 1, 1, 1, nan], [2, 2, 2, 2, 2, 2, 2], "#000"));
        chart.Bands.Add(new ChartBand("lone", [1, 2, 3], [nan, 1, nan], [2, 2, 2], "#f00"));

        var svg = Render(chart);

        Assert.Equal(2, BandPaths(svg).Count());
        Assert.Single(svg.Elements(), e => e.Name.LocalName == "line" && (string?)e.Attribute("stroke") == "#f00" && e.Attribute("stroke-opacity") is not null);
    }

    [Fact]
    public void Band_OfOnePoint_IsABarOfItsPointWidthFromUpperToLower()
    {
        var chart = new LineChart { Width = 600, Height = 300 };
        chart.Lines.Add(new ChartLine("forecast", [0, 10], [0, 10], "#000"));
        chart.Bands.Add(new ChartBand("default", [5], [2], [8], "#f00"));
        chart.Bands.Add(new ChartBand("wide", [5], [4], [6], "#00f") { PointWidth = 10 });

        var bars = Render(chart).Elements().Where(e => e.Name.LocalName == "line" && e.Attribute("stroke-opacity") is not null).ToList();

        Assert.Equal(["3", "10"], bars.Select(b => (string)b.Attribute("stroke-width")!));
        // The wide bar spans a third of the default one's height: 4 to 6 against 2 to 8.
        double Height(XElement bar) => (double)bar.Attribute("y2")! - (double)bar.Attribute("y1")!;
        Assert.Equal(Height(bars[0]) / 3, Height(bars[1]), 1);
        Assert.True(Height(bars[1]) > 0, "y1 is the upper bound, higher on the page");
    }

    [Theory]
    [InlineData(0.15, "0.15")]
    [InlineData(0.3, "0.3")]
    [InlineData(1.5, "1")]
    [InlineData(-0.2, "0")]
    public void Band_Opacity_KeepsTwoDecimalsInTheFillTheBarAndTheLegend(double opacity, string written)
    {
        var chart = new LineChart();
        chart.Bands.Add(new ChartBand("b", [1, 2], [1, 1], [2, 2], "#000") { Opacity = opacity });
        chart.Bands.Add(new ChartBand("lone", [1], [1], [2], "#f00") { Opacity = opacity });

        var svg = Render(chart);

        Assert.Equal(written, (string?)BandPaths(svg).Single().Attribute("fill-opacity"));
        Assert.Equal(written, (string?)svg.Elements().Single(e => e.Name.LocalName == "line" && e.Attribute("stroke-opacity") is not null).Attribute("stroke-opacity"));
        Assert.Equal([written, written], svg.Elements().Where(e => e.Name.LocalName == "rect" && e.Attribute("fill-opacity") is not null).Select(e => (string?)e.Attribute("fill-opacity")));
    }

    [Fact]
    public void Band_LowerAboveUpper_Swaps()
    {
        var a = new LineChart();
        a.Bands.Add(new ChartBand("b", [1, 2], [1, 2], [3, 4], "#000"));
        var b = new LineChart();
        b.Bands.Add(new ChartBand("b", [1, 2], [3, 2], [1, 4], "#000"));
        var c = new LineChart();
        c.Bands.Add(new ChartBand("b", [1, 2], [1, 4], [3, 2], "#000"));

        Assert.Equal(a.Render(), b.Render());
        Assert.Equal(a.Render(), c.Render());
    }

    [Fact]
    public void Band_OnALogAxis_LeavesOutNonPositiveBounds()
    {
        var chart = new LineChart { LogY = true };
        chart.Bands.Add(new ChartBand("b", [1, 2, 3, 4], [0.1, 0, 0.2, 0.3], [1, 1, 2, 3], "#000"));

        var svg = Render(chart);
        Assert.Equal(2, Vertices(BandPaths(svg).Single()).Length / 2);                       // x = 3 and 4
        Assert.Single(svg.Elements(), e => e.Name.LocalName == "line" && e.Attribute("stroke-opacity") is not null);   // x = 1 alone
    }

    [Fact]
    public void Band_WithMismatchedLengths_NamesTheBand()
    {
        var chart = new LineChart();
        chart.Bands.Add(new ChartBand("80% interval", [1, 2, 3], [1, 2], [3, 4, 5], "#000"));

        var e = Assert.Throws<ArgumentException>(chart.Render);
        Assert.Contains("'80% interval' has 3 x values but 2 lower and 3 upper bounds", e.Message);
    }

    [Fact]
    public void Band_OverDates_DrawsOnADateAxisAndEscapesItsName()
    {
        var dates = Enumerable.Range(0, 30).Select(i => new DateOnly(2024, 1, 1).AddDays(i)).ToArray();
        var chart = new LineChart { XAxis = ChartXAxis.Date };
        chart.Lines.Add(ChartLine.OverDates("v", dates, dates.Select(d => (double)d.Day).ToArray(), "#000"));
        chart.Bands.Add(ChartBand.OverDates("a < b & c", dates, dates.Select(d => d.Day - 2.0).ToArray(), dates.Select(d => d.Day + 2.0).ToArray(), "#000"));

        string text = chart.Render();
        var svg = XDocument.Parse(text).Root!;

        Assert.Single(BandPaths(svg));
        Assert.Contains("a &lt; b &amp; c", text);
        Assert.Contains(svg.Descendants(), e => e.Name.LocalName == "text" && e.Value == "a < b & c");
    }
}
