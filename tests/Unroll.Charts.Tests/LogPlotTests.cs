using System.Xml.Linq;

namespace Unroll.Charts.Tests;

public sealed class DecadeTickTests
{
    [Fact]
    public void Decades_FewDecades_LabelsEachWithPowersOfTen()
    {
        var ticks = Ticks.Decades(0.02, 0.09, 9);

        // One decade (10⁻² to 10⁻¹) gains one at each end.
        Assert.Equal([1e-3, 1e-2, 1e-1, 1], ticks.Values);
        Assert.Equal(["10⁻³", "10⁻²", "10⁻¹", "10⁰"], ticks.Labels);
        Assert.Equal((1e-3, 1.0), (ticks.Min, ticks.Max));
    }

    [Theory]
    [InlineData(1, 1e17, 9)]        // 17 decades: every third, 10⁰ to 10¹⁸
    [InlineData(1e-13, 0.09, 9)]    // 12 decades: every second, 10⁻¹⁴ to 10⁰
    [InlineData(1.98, 1.1e15, 9)]
    [InlineData(3e-300, 1e300, 9)]
    [InlineData(0.5, 2, 9)]
    [InlineData(1e-5, 1e5, 3)]
    [InlineData(1, 1e16, 9)]        // 16 decades by twos would need 9 labels from 10⁰: allowed
    [InlineData(10, 1e17, 9)]       // from 10¹ by twos the ends are 10⁰ and 10¹⁸ (10 labels): by threes
    public void Decades_BothEndsAreLabelledDecadesAndNoMoreThanAsked(double min, double max, int maxCount)
    {
        var ticks = Ticks.Decades(min, max, maxCount);

        Assert.Equal(ticks.Min, ticks.Values[0]);
        Assert.Equal(ticks.Max, ticks.Values[^1]);
        Assert.True(ticks.Min <= min && ticks.Max >= max, $"[{ticks.Min}, {ticks.Max}] must enclose [{min}, {max}]");
        Assert.InRange(ticks.Values.Count, 2, maxCount);
        var exponents = ticks.Values.Select(v => (int)Math.Round(Math.Log10(v))).ToArray();
        int step = exponents[1] - exponents[0];
        Assert.All(exponents, e => Assert.Equal(0, e % step));                 // on multiples of the step, so 10⁰ when in range
        Assert.All(exponents.Zip(exponents.Skip(1)), p => Assert.Equal(step, p.Second - p.First));
        Assert.Equal(exponents.Select(Ticks.PowerOfTen), ticks.Labels);
    }

    [Theory]
    [InlineData(1.98, 1.7e308, "10⁰", "10³⁰⁸")]          // w2 = 3 over 1000 steps: widening to 10³¹² would overflow
    [InlineData(4.9e-324, 1e-300, "10⁻³²³", "10⁻²⁸⁹")]   // the smallest subnormal: steps of 17 decades fit
    [InlineData(4.9e-324, 1.7e308, "10⁻³²³", "10³⁰⁸")]   // all of double: no room to widen
    [InlineData(1e308, 1e308, "10³⁰⁷", "10³⁰⁸")]
    public void Decades_AtTheEndsOfDoubleRange_StayFiniteAndAboveZero(double min, double max, string bottom, string top)
    {
        var ticks = Ticks.Decades(min, max, 9);

        Assert.True(double.IsFinite(ticks.Max) && ticks.Min > 0, $"[{ticks.Min}, {ticks.Max}]");
        Assert.All(ticks.Values, v => Assert.True(double.IsFinite(v) && v > 0));
        Assert.InRange(ticks.Values.Count, 2, 9);
        Assert.Equal(bottom, Ticks.PowerOfTen((int)Math.Round(Math.Log10(ticks.Min))));
        Assert.Equal(top, Ticks.PowerOfTen((int)Math.Round(Math.Log10(ticks.Max))));
        var scale = new AxisScale(ticks.Min, ticks.Max, 300, 0, Log: true);
        Assert.All(new[] { min, max }, v => Assert.InRange(scale.Map(v), -3, 303));   // within a few pixels of the plot
    }

    [Fact]
    public void Log_AtTheEndsOfDoubleRange_StaysFiniteAndAboveZero()
    {
        var top = Ticks.Log(1e308, 1.7e308);
        var bottom = Ticks.Log(4.9e-324, 4.9e-324);
        var decades = Ticks.Decades(4.9e-324, 4.9e-324, 9);

        Assert.Equal((1e307, 1e308), (top.Min, top.Max));
        Assert.Equal((1e-323, 1e-322), (bottom.Min, bottom.Max));
        Assert.Equal((1e-323, 1e-322), (decades.Min, decades.Max));
    }

    [Fact]
    public void Decades_SeventeenDecades_LabelTheTopDecadeToo()
    {
        var ticks = Ticks.Decades(1.5, 3e16, 9);

        Assert.Equal(["10⁰", "10³", "10⁶", "10⁹", "10¹²", "10¹⁵", "10¹⁸"], ticks.Labels);
    }

    [Theory]
    [InlineData(-15, "10⁻¹⁵")]
    [InlineData(0, "10⁰")]
    [InlineData(14, "10¹⁴")]
    [InlineData(308, "10³⁰⁸")]
    public void PowerOfTen_WritesTheExponentInSuperscript(int exponent, string expected) => Assert.Equal(expected, Ticks.PowerOfTen(exponent));
}

public sealed class LogPlotTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static XDocument Draw(params PlotPanel[] panels)
        => XDocument.Parse(LogPlot.Draw("title", "subtitle", Enumerable.Range(1, 10).ToArray(), panels, "T", "footer"));

    [Fact]
    public void Draw_ZerosAndOverflowBreakTheLineAndTheLegendSaysWhere()
    {
        double[] values = [1, 10, 100, 0, 1e4, 1e5, double.PositiveInfinity, double.PositiveInfinity, 1, 2];
        var doc = Draw(new PlotPanel("p", "y", [new PlotSeries("s", "#000", values)]));

        Assert.Equal(3, doc.Descendants(Svg + "polyline").Count());
        var legend = doc.Descendants(Svg + "text").Select(t => t.Value).Single(t => t.StartsWith("s ", StringComparison.Ordinal));
        Assert.Equal("s  (exactly 0 at T = 4, not drawn; beyond double range from T = 7)", legend);
    }

    [Fact]
    public void Draw_TheTopOfTheAxisIsLabelled()
    {
        double[] values = [1.5, 10, 100, 1e4, 1e6, 1e8, 1e10, 1e12, 1e14, 3e16];
        var doc = Draw(new PlotPanel("p", "y", [new PlotSeries("s", "#000", values)]));

        // The frame's top edge (the plot rectangle's y) carries the highest label.
        var frame = doc.Descendants(Svg + "rect").Single(r => (string?)r.Attribute("fill") == "#fcfcfc");
        double top = (double)frame.Attribute("y")!;
        var label = doc.Descendants(Svg + "text").Single(t => t.Value == "10¹⁸");
        Assert.Equal(top + 4, (double)label.Attribute("y")!, 1);
    }

    [Fact]
    public void Draw_AReferenceLineIsDrawnDarkerAndSaysWhatItMarks()
    {
        double[] values = [0.1, 0.5, 2, 8, 30, 100, 300, 900, 2000, 5000];
        var doc = Draw(new PlotPanel("p", "y", [new PlotSeries("s", "#000", values)], new PlotReference(1, "1: no gain")));

        var label = doc.Descendants(Svg + "text").Single(t => t.Value == "1: no gain");
        var line = doc.Descendants(Svg + "line").Single(l => (string?)l.Attribute("stroke") == "#999");
        double y = (double)line.Attribute("y1")!;
        Assert.Equal(y, (double)line.Attribute("y2")!);
        Assert.Equal(y - 5, (double)label.Attribute("y")!, 1);                     // just above its line
        Assert.Equal("end", (string?)label.Attribute("text-anchor"));
        // The tick label 10⁰ stands on the same line, which is drawn once.
        Assert.Equal(y + 4, (double)doc.Descendants(Svg + "text").Single(t => t.Value == "10⁰").Attribute("y")!, 1);
        Assert.DoesNotContain(doc.Descendants(Svg + "line"), l => (string?)l.Attribute("stroke") == "#e3e3e3" && (double)l.Attribute("y1")! == y);
    }

    [Fact]
    public void Draw_AReferenceAtTheTopOfTheFrame_IsLabelledBelowIt()
    {
        double[] values = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 0.6, 0.7, 0.8, 0.9];
        var doc = Draw(new PlotPanel("p", "y", [new PlotSeries("s", "#000", values)], new PlotReference(1, "one")));

        double top = (double)doc.Descendants(Svg + "rect").Single(r => (string?)r.Attribute("fill") == "#fcfcfc").Attribute("y")!;
        Assert.Equal(top + 14, (double)doc.Descendants(Svg + "text").Single(t => t.Value == "one").Attribute("y")!, 1);
    }

    [Fact]
    public void Draw_AReferenceOutsideTheAxis_IsLeftOut()
    {
        double[] values = [1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];
        var doc = Draw(new PlotPanel("p", "y", [new PlotSeries("s", "#000", values)], new PlotReference(1e-3, "far")));

        Assert.DoesNotContain(doc.Descendants(Svg + "text"), t => t.Value == "far");
        Assert.DoesNotContain(doc.Descendants(Svg + "line"), l => (string?)l.Attribute("stroke") == "#999");
    }

    [Fact]
    public void Draw_GradientsUpToTheEdgeOfDouble_StayOnTheAxis()
    {
        double[] values = [2, 1e40, 1e80, 1e120, 1e160, 1e200, 1e250, 1e300, 1.7e308, double.PositiveInfinity];
        var doc = Draw(new PlotPanel("p", "y", [new PlotSeries("s", "#000", values)]));

        var frame = doc.Descendants(Svg + "rect").Single(r => (string?)r.Attribute("fill") == "#fcfcfc");
        double top = (double)frame.Attribute("y")!, bottom = top + (double)frame.Attribute("height")!;
        var ys = doc.Descendants(Svg + "polyline").Single().Attribute("points")!.Value.Split(' ').Select(p => double.Parse(p.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(ys, y => Assert.InRange(y, top - 1, bottom + 1));
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "10³⁰⁸");
    }

    [Fact]
    public void Draw_AnIsolatedPointIsADot()
    {
        double[] values = [0, 0, 5, 0, 0, 0, 0, 0, 0, 0];
        var doc = Draw(new PlotPanel("p", "y", [new PlotSeries("s", "#000", values)]));

        Assert.Empty(doc.Descendants(Svg + "polyline"));
        Assert.Single(doc.Descendants(Svg + "circle"));
    }

    [Fact]
    public void Draw_NegativeValuesAreDrawnAsMagnitudes()
    {
        var up = Draw(new PlotPanel("p", "y", [new PlotSeries("s", "#000", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])]));
        var down = Draw(new PlotPanel("p", "y", [new PlotSeries("s", "#000", [-1, -2, -3, -4, -5, -6, -7, -8, -9, -10])]));

        Assert.Equal(up.Descendants(Svg + "polyline").Single().Attribute("points")!.Value, down.Descendants(Svg + "polyline").Single().Attribute("points")!.Value);
    }
}
