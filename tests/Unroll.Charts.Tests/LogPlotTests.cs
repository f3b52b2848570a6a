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
