using System.Globalization;
using System.Xml.Linq;
using Unroll.Charts;

namespace Unroll.Charts.Tests;

public sealed class ChartTickTests
{
    [Theory]
    [InlineData(0.7, 1)]
    [InlineData(1, 1)]
    [InlineData(1.1, 2)]
    [InlineData(3, 5)]
    [InlineData(7, 10)]
    [InlineData(0.03, 0.05)]
    [InlineData(0.3, 0.5)]
    [InlineData(250, 500)]
    [InlineData(0.2, 0.2)]
    public void NiceStep_RoundsUpToOneTwoOrFiveTimesAPowerOfTen(double rough, double expected)
        => Assert.Equal(expected, Ticks.NiceStep(rough), 12);

    [Fact]
    public void Linear_ZeroTo97_TicksEveryTwenty()
    {
        var ticks = Ticks.Linear(0, 97, 6);

        Assert.Equal([0, 20, 40, 60, 80, 100], ticks.Values);
        Assert.Equal(["0", "20", "40", "60", "80", "100"], ticks.Labels);
        Assert.Equal((0, 100), (ticks.Min, ticks.Max));
    }

    [Fact]
    public void Linear_FractionalStep_HasExactValuesAndEnoughDecimals()
    {
        var ticks = Ticks.Linear(0.1, 0.3, 5);

        Assert.Equal([0.1, 0.15, 0.2, 0.25, 0.3], ticks.Values);
        Assert.Equal(["0.10", "0.15", "0.20", "0.25", "0.30"], ticks.Labels);
    }

    [Fact]
    public void Linear_Thousands_AreSeparated()
    {
        var ticks = Ticks.Linear(1200, 5100, 6);

        Assert.Equal(["1,000", "2,000", "3,000", "4,000", "5,000", "6,000"], ticks.Labels);
    }

    [Fact]
    public void Linear_AcrossZero_LabelsZeroWithoutSign()
    {
        var ticks = Ticks.Linear(-3.2, 4.1, 9);

        // Steps of 1 would need 10 ticks, one more than allowed, so the step is 2.
        Assert.Equal([-4, -2, 0, 2, 4, 6], ticks.Values);
        Assert.Contains("0", ticks.Labels);
        Assert.DoesNotContain("-0", ticks.Labels);
    }

    [Theory]
    [InlineData(0, 97, 6)]
    [InlineData(0.12, 0.87, 5)]
    [InlineData(-3.2, 4.1, 8)]
    [InlineData(99.5, 100.25, 6)]
    [InlineData(1e-7, 3e-7, 4)]
    [InlineData(12345, 98765, 7)]
    [InlineData(5, 5, 5)]
    [InlineData(0, 0, 3)]
    [InlineData(-1e6, 1, 3)]
    [InlineData(0.5, 1e6, 3)]
    public void Linear_EnclosesTheDataWithAtMostMaxEvenlySpacedNiceTicks(double min, double max, int maxCount)
    {
        var ticks = Ticks.Linear(min, max, maxCount);

        Assert.InRange(ticks.Values.Count, 2, maxCount);
        Assert.True(ticks.Min <= min && ticks.Max >= max, $"[{ticks.Min}, {ticks.Max}] must enclose [{min}, {max}]");
        Assert.True(ticks.Min < ticks.Max);
        double step = ticks.Values[1] - ticks.Values[0];
        for (int i = 1; i < ticks.Values.Count; i++) Assert.Equal(step, ticks.Values[i] - ticks.Values[i - 1], step * 1e-9);
        double mantissa = step / Math.Pow(10, Math.Floor(Math.Log10(step) + 1e-9));
        Assert.Contains(Math.Round(mantissa, 6), new[] { 1.0, 2.0, 5.0 });
        Assert.Equal(ticks.Values.Count, ticks.Labels.Distinct().Count());
    }

    [Fact]
    public void Linear_MinStep_KeepsIntegerAxesWhole()
    {
        var ticks = Ticks.Linear(1, 3, 20, minStep: 1);

        Assert.Equal([1, 2, 3], ticks.Values);
    }

    [Fact]
    public void Log_TwoDecades_AddsTwosAndFives()
    {
        var ticks = Ticks.Log(0.012, 0.85);

        Assert.Equal([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1], ticks.Values);
        Assert.Equal(["0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1"], ticks.Labels);
        Assert.Equal((0.01, 1.0), (ticks.Min, ticks.Max));
    }

    [Fact]
    public void Log_ManyDecades_SkipsSomeAndUsesExponents()
    {
        var ticks = Ticks.Log(1e-6, 10);

        Assert.Equal([1e-6, 1e-4, 1e-2, 1], ticks.Values);
        Assert.Equal(["1e-6", "1e-4", "0.01", "1"], ticks.Labels);
    }

    [Fact]
    public void Dates_AYearOnAWideAxis_TicksEveryOtherMonth()
    {
        var ticks = Ticks.Dates(Day(2020, 1, 1), Day(2020, 12, 31), 880, 7.2);

        Assert.Equal(["Jan 2020", "Mar 2020", "May 2020", "Jul 2020", "Sep 2020", "Nov 2020"], ticks.Labels);
        Assert.Equal(Day(2020, 3, 1), ticks.Values[1]);
    }

    [Fact]
    public void Dates_SixWeeks_TicksOnMondays()
    {
        var ticks = Ticks.Dates(Day(2024, 1, 1), Day(2024, 2, 15), 880, 7.2);

        Assert.Equal(["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22", "2024-01-29", "2024-02-05", "2024-02-12"], ticks.Labels);
        Assert.All(ticks.Values, v => Assert.Equal(DayOfWeek.Monday, DateOnly.FromDayNumber((int)v).DayOfWeek));
    }

    [Fact]
    public void Dates_TwentyYears_TicksEveryOtherYear()
    {
        var ticks = Ticks.Dates(Day(2000, 1, 1), Day(2020, 6, 30), 880, 7.2);

        Assert.Equal(Enumerable.Range(0, 11).Select(i => (2000 + 2 * i).ToString(CultureInfo.InvariantCulture)), ticks.Labels);
    }

    [Fact]
    public void Dates_FewDays_TicksDaily()
    {
        var ticks = Ticks.Dates(Day(2024, 3, 4), Day(2024, 3, 8), 880, 7.2);

        Assert.Equal(["2024-03-04", "2024-03-05", "2024-03-06", "2024-03-07", "2024-03-08"], ticks.Labels);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(300)]
    [InlineData(900)]
    public void Dates_LabelsNeverOverlap(double pixels)
    {
        const double charWidth = 7.2;
        double from = Day(2019, 5, 17), to = Day(2024, 2, 3);
        var ticks = Ticks.Dates(from, to, pixels, charWidth);

        Assert.NotEmpty(ticks.Values);
        for (int i = 1; i < ticks.Values.Count; i++)
        {
            double gap = (ticks.Values[i] - ticks.Values[i - 1]) / (to - from) * pixels;
            double halfWidths = (ticks.Labels[i].Length + ticks.Labels[i - 1].Length) / 2.0 * charWidth;
            Assert.True(gap > halfWidths, $"labels {ticks.Labels[i - 1]} and {ticks.Labels[i]} overlap at {pixels} px");
        }
    }

    [Theory]
    [InlineData(new[] { 1.6, 1.4, 1.2, 1.1 }, false)]              // a training loss within one decade: linear
    [InlineData(new[] { 1.0, 0.5, 0.2, 0.1 }, false)]              // exactly a decade is not more than one
    [InlineData(new[] { 1.0, 0.5, 0.2, 0.099 }, true)]
    [InlineData(new[] { 2.0, double.NaN, 0.01 }, true)]            // gaps are ignored
    [InlineData(new[] { 2.0, 0.0, 0.01 }, false)]                  // a zero cannot sit on a log axis
    [InlineData(new[] { 5.0, -1.0, 0.01 }, false)]
    [InlineData(new double[0], false)]
    public void PreferLog_OnlyForPositiveValuesSpanningMoreThanADecade(double[] values, bool expected)
        => Assert.Equal(expected, Ticks.PreferLog(values));

    private static double Day(int y, int m, int d) => new DateOnly(y, m, d).DayNumber;
}

public sealed class ChartMappingTests
{
    [Fact]
    public void Linear_MapsEndsAndMiddle()
    {
        var scale = new AxisScale(0, 10, 100, 200);

        Assert.Equal(100, scale.Map(0));
        Assert.Equal(200, scale.Map(10));
        Assert.Equal(125, scale.Map(2.5));
        Assert.Equal(220, scale.Map(12)); // outside the domain, extrapolated
    }

    [Fact]
    public void Linear_InvertedRange_PutsLargeValuesAtTheTop()
    {
        var scale = new AxisScale(0, 10, 300, 100);

        Assert.Equal(300, scale.Map(0));
        Assert.Equal(100, scale.Map(10));
        Assert.Equal(250, scale.Map(2.5));
    }

    [Fact]
    public void Log_MapsDecadesEvenly()
    {
        var scale = new AxisScale(1, 1000, 0, 300, Log: true);

        Assert.Equal(0, scale.Map(1), 9);
        Assert.Equal(100, scale.Map(10), 9);
        Assert.Equal(200, scale.Map(100), 9);
        Assert.Equal(300, scale.Map(1000), 9);
    }

    [Fact]
    public void Render_MapsDataCornersOntoThePlotCorners()
    {
        var chart = new LineChart { Width = 600, Height = 300 };
        chart.Lines.Add(new ChartLine("line", [0, 5, 10], [0, 5, 10], "#000") { Markers = true });

        var svg = XDocument.Parse(chart.Render()).Root!;

        // The axes path is "M{left} {top}V{bottom}H{right}"; y ticks on [0, 10] are exactly 0..10, and x maps the data's
        // extent to the plot less a 6-pixel inset at each side, which keeps dots off the frame.
        string axes = svg.Elements().Single(e => e.Name.LocalName == "path" && ((string?)e.Attribute("d"))!.Contains('V')).Attribute("d")!.Value;
        var parts = axes.TrimStart('M').Split(' ', 'V', 'H').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var (left, top, bottom, right) = (parts[0], parts[1], parts[2], parts[3]);
        var dots = svg.Descendants().Where(e => e.Name.LocalName == "circle")
            .Select(c => (X: (double)c.Attribute("cx")!, Y: (double)c.Attribute("cy")!)).ToArray();
        Assert.Equal(3, dots.Length);
        (left, right) = (left + 6, right - 6);
        Assert.Equal((left, bottom), dots[0]);
        Assert.Equal(((left + right) / 2, (top + bottom) / 2), (Math.Round(dots[1].X, 1), Math.Round(dots[1].Y, 1)), new ToleranceComparer(0.11));
        Assert.Equal((right, top), dots[2]);
    }

    [Theory]
    [InlineData(2021, 1, 5, 2022, 9, 2)]
    [InlineData(2024, 7, 29, 2024, 9, 29)]
    [InlineData(2015, 1, 5, 2022, 9, 2)]
    [InlineData(2024, 1, 1, 2024, 1, 9)]
    [InlineData(2023, 12, 11, 2024, 2, 27)]
    public void Render_XLabelsStayInsideAndKeepACharacterApart(int y0, int m0, int d0, int y1, int m1, int d1)
    {
        var from = new DateOnly(y0, m0, d0);
        var dates = Enumerable.Range(0, new DateOnly(y1, m1, d1).DayNumber - from.DayNumber + 1).Select(from.AddDays).ToArray();
        for (double width = 300; width <= 1200; width += 10)
        {
            var chart = new LineChart { Width = width, XAxis = ChartXAxis.Date };
            chart.Lines.Add(ChartLine.OverDates("v", dates, dates.Select(d => (double)d.Day).ToArray(), "#000"));

            var labels = XDocument.Parse(chart.Render()).Root!.Descendants()
                .Where(e => e.Name.LocalName == "text" && e.Attribute("text-anchor") is not null)
                .Select(e =>
                {
                    double x = (double)e.Attribute("x")!, w = e.Value.Length * 7.2;
                    double start = (string?)e.Attribute("text-anchor") switch { "start" => x, "end" => x - w, _ => x - w / 2 };
                    return (Start: start, End: start + w);
                })
                .ToArray();

            Assert.True(labels.Length >= 2, $"only {labels.Length} x labels at width {width}");
            Assert.All(labels, l => Assert.InRange(l.Start, 0, width));
            Assert.All(labels, l => Assert.InRange(l.End, 0, width));
            for (int i = 1; i < labels.Length; i++)
                Assert.True(labels[i].Start >= labels[i - 1].End + 7.2, $"x labels {i - 1} and {i} touch at width {width}");
        }
    }

    [Fact]
    public void Render_NonFiniteValuesBreakTheLine()
    {
        var chart = new LineChart();
        chart.Lines.Add(new ChartLine("gappy", [1, 2, 3, 4, 5], [1, 2, double.NaN, 4, 5], "#000"));

        var path = XDocument.Parse(chart.Render()).Root!.Elements().Where(e => e.Name.LocalName == "path").Last();

        Assert.Equal(2, path.Attribute("d")!.Value.Count(c => c == 'M'));
    }

    [Fact]
    public void Render_EscapesNamesAndKeepsNumbersShort()
    {
        var chart = new LineChart { Title = "a < b & \"c\"", YLabel = "price's <level>" };
        chart.Lines.Add(new ChartLine("x<y>&z", [0.123456, 1.987654], [1.5, 2.25], "#000"));

        string text = chart.Render();
        var svg = XDocument.Parse(text).Root!;

        Assert.Contains(svg.Descendants(), e => e.Name.LocalName == "text" && e.Value == "x<y>&z");
        Assert.Contains(svg.Descendants(), e => e.Name.LocalName == "text" && e.Value == "price's <level>");
        Assert.Contains(svg.Descendants(), e => e.Name.LocalName == "title" && e.Value == "a < b & \"c\"");
        Assert.Contains("x&lt;y&gt;&amp;z", text);
        var coordinates = svg.Descendants().Attributes().Where(a => a.Name.LocalName is "x" or "y" or "cx" or "cy" or "x1" or "x2" or "y1" or "y2");
        Assert.All(coordinates, a => Assert.Matches(@"^-?\d+(\.\d)?$", a.Value));
    }

    [Fact]
    public void Render_DenseLine_IsThinnedToAFewPointsPerPixel()
    {
        int n = 200_000;
        var x = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        var y = x.Select(v => Math.Sin(v / 1000) + (v % 7) * 0.01).ToArray();
        var chart = new LineChart();
        chart.Lines.Add(new ChartLine("dense", x, y, "#000"));

        string svg = chart.Render();

        Assert.InRange(svg.Length, 1000, 80_000);
        XDocument.Parse(svg);
    }

    [Fact]
    public void Render_LogAxis_LeavesOutNonPositiveValues()
    {
        var chart = new LineChart { LogY = true };
        chart.Lines.Add(new ChartLine("loss", [1, 2, 3, 4], [0.5, 0, -1, 0.05], "#000") { Markers = true });

        var svg = XDocument.Parse(chart.Render()).Root!;

        Assert.Equal(2, svg.Descendants().Count(e => e.Name.LocalName == "circle"));
    }

    [Fact]
    public void Render_EmptyChart_IsStillValidSvg()
    {
        XDocument.Parse(new LineChart().Render());
        XDocument.Parse(new LineChart { LogY = true, XAxis = ChartXAxis.Date }.Render());
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<(double, double)>
    {
        public bool Equals((double, double) a, (double, double) b) => Math.Abs(a.Item1 - b.Item1) <= tolerance && Math.Abs(a.Item2 - b.Item2) <= tolerance;
        public int GetHashCode((double, double) obj) => 0;
    }
}
