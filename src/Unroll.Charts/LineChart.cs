using System.Globalization;
using System.Text;

namespace Unroll.Charts;

/// <summary>What the x values of a chart are.</summary>
public enum ChartXAxis
{
    /// <summary>Plain numbers, such as epochs.</summary>
    Number,
    /// <summary>Dates, given as <see cref="DateOnly.DayNumber"/> (see <see cref="ChartLine.OverDates(string, IEnumerable{DateOnly}, IReadOnlyList{double}, string)"/>).</summary>
    Date,
}

/// <summary>One named line on a chart. Points whose x or y is not finite (or, on a log axis, not positive) break the line.</summary>
/// <param name="Name">The legend entry.</param>
/// <param name="X">The x values (day numbers on a date axis).</param>
/// <param name="Y">The y values, one per x.</param>
/// <param name="Color">A CSS colour, such as "#1f6fd1".</param>
public sealed record ChartLine(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, string Color)
{
    /// <summary>The stroke pattern.</summary>
    public LineDash Dash { get; init; } = LineDash.Solid;
    /// <summary>The stroke width in pixels.</summary>
    public double Width { get; init; } = 1.6;
    /// <summary>Draw a dot at every point: true, false, or null for "when the line has at most
    /// <see cref="LineChart.AutoMarkerLimit"/> points".</summary>
    public bool? Markers { get; init; }
    /// <summary>Lines with a higher layer are drawn over lines with a lower one (ties keep their order); the legend keeps
    /// the order of <see cref="LineChart.Lines"/>.</summary>
    public int Layer { get; init; }

    /// <summary>A line over dates.</summary>
    public static ChartLine OverDates(string name, IEnumerable<DateOnly> dates, IReadOnlyList<double> values, string color)
    {
        ArgumentNullException.ThrowIfNull(dates);
        return new ChartLine(name, dates.Select(d => (double)d.DayNumber).ToArray(), values, color);
    }

    /// <summary>A line over dates with times of day (placed by <see cref="DayNumber(DateTime)"/>).</summary>
    public static ChartLine OverDates(string name, IEnumerable<DateTime> times, IReadOnlyList<double> values, string color)
    {
        ArgumentNullException.ThrowIfNull(times);
        return new ChartLine(name, times.Select(DayNumber).ToArray(), values, color);
    }

    /// <summary>Where a time falls on a date axis: its <see cref="DateOnly.DayNumber"/> plus the fraction of the day
    /// gone (09:00 is 0.375).</summary>
    public static double DayNumber(DateTime time) => DateOnly.FromDateTime(time).DayNumber + time.TimeOfDay.TotalDays;
}

/// <summary>A shaded stretch of the x axis, such as the test period; it gets a legend entry.</summary>
/// <param name="From">Where it starts (clipped to the axis).</param>
/// <param name="To">Where it ends (clipped to the axis).</param>
/// <param name="Name">The legend entry.</param>
/// <param name="Color">A CSS fill colour.</param>
public sealed record ChartShade(double From, double To, string Name, string Color = "#fff1c2");

/// <summary>
/// A shaded interval between a lower and an upper series over the same x values, such as a prediction interval; it
/// gets a legend entry. Points where x or either bound is not finite (or, on a log axis, not positive) break it; where
/// a lower bound exceeds its upper one, the two swap.
/// </summary>
/// <param name="Name">The legend entry.</param>
/// <param name="X">The x values (day numbers on a date axis).</param>
/// <param name="Lower">The lower bound at each x.</param>
/// <param name="Upper">The upper bound at each x.</param>
/// <param name="Color">A CSS fill colour, usually the colour of the line it surrounds.</param>
public sealed record ChartBand(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Lower, IReadOnlyList<double> Upper, string Color)
{
    /// <summary>The fill's opacity, from 0 (invisible) to 1, so that lines and other bands show through.</summary>
    public double Opacity { get; init; } = 0.2;

    /// <summary>The width in pixels of the vertical bar drawn for a stretch of one point (a one-step forecast's interval).</summary>
    public double PointWidth { get; init; } = 3;

    /// <summary>A band over dates.</summary>
    public static ChartBand OverDates(string name, IEnumerable<DateOnly> dates, IReadOnlyList<double> lower, IReadOnlyList<double> upper, string color)
    {
        ArgumentNullException.ThrowIfNull(dates);
        return new ChartBand(name, dates.Select(d => (double)d.DayNumber).ToArray(), lower, upper, color);
    }

    /// <summary>A band over dates with times of day (placed by <see cref="ChartLine.DayNumber(DateTime)"/>).</summary>
    public static ChartBand OverDates(string name, IEnumerable<DateTime> times, IReadOnlyList<double> lower, IReadOnlyList<double> upper, string color)
    {
        ArgumentNullException.ThrowIfNull(times);
        return new ChartBand(name, times.Select(ChartLine.DayNumber).ToArray(), lower, upper, color);
    }
}

/// <summary>A labelled vertical line, such as the best epoch.</summary>
/// <param name="X">Where it stands.</param>
/// <param name="Label">The text beside its top.</param>
public sealed record ChartMark(double X, string Label);

/// <summary>
/// A line chart written as a standalone SVG element: nice ticks, date or number labels on x, value labels on y (linear
/// or log10), named lines with a legend above the plot, shaded bands between a lower and an upper series, an optional
/// shaded stretch of x and labelled vertical marks. The SVG has a viewBox and width 100%, so it scales to its
/// container; all text is escaped and all numbers invariant.
/// </summary>
/// <remarks>
/// Layout, top to bottom: legend rows, the optional y label, the plot, the x tick labels, the optional x label.
/// Drawing order, bottom to top: the shaded stretch, the grid, the bands, the lines, the marks.
/// Lines with more points than four per pixel column are thinned to each column's first, lowest, highest and last
/// point, which draws the same picture in a fraction of the bytes.
/// </remarks>
public sealed class LineChart
{
    /// <summary>Lines with at most this many points get dots at their points unless they say otherwise.</summary>
    public const int AutoMarkerLimit = 60;

    private const double FontSize = 12;
    private const double CharWidth = 0.6 * FontSize; // a generous average for sans-serif digits and letters
    private const double LegendRow = 20;
    private const double Pad = 8;
    private const string FontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

    /// <summary>The viewBox width (pixels at 100% zoom).</summary>
    public double Width { get; init; } = 960;
    /// <summary>The viewBox height.</summary>
    public double Height { get; init; } = 320;
    /// <summary>What the x values are.</summary>
    public ChartXAxis XAxis { get; init; } = ChartXAxis.Number;
    /// <summary>Only whole-number ticks on a number x axis (epochs).</summary>
    public bool IntegerX { get; init; }
    /// <summary>A log10 y axis; non-positive values are left out.</summary>
    public bool LogY { get; init; }
    /// <summary>Make the linear y axis include 0 (for errors and other magnitudes).</summary>
    public bool YFromZero { get; init; }
    /// <summary>The accessible name of the chart (an SVG title element, shown as a tooltip).</summary>
    public string? Title { get; init; }
    /// <summary>The x axis' name, under the tick labels.</summary>
    public string? XLabel { get; init; }
    /// <summary>The y axis' name, above the axis.</summary>
    public string? YLabel { get; init; }
    /// <summary>A shaded stretch of the x axis.</summary>
    public ChartShade? Shade { get; init; }
    /// <summary>The lines, listed in the legend in this order and drawn in it too, except that a higher
    /// <see cref="ChartLine.Layer"/> draws on top.</summary>
    public IList<ChartLine> Lines { get; } = new List<ChartLine>();
    /// <summary>Shaded intervals, drawn under the lines and listed in the legend after them.</summary>
    public IList<ChartBand> Bands { get; } = new List<ChartBand>();
    /// <summary>Labelled vertical lines.</summary>
    public IList<ChartMark> Marks { get; } = new List<ChartMark>();

    /// <summary>Writes the chart as one &lt;svg&gt; element (no XML declaration), ready to inline in HTML or save as .svg.</summary>
    public string Render()
    {
        var points = Lines.Select(Usable).ToList();
        var bands = Bands.Select(Usable).ToList();
        var bandPoints = bands.SelectMany(b => b.SelectMany(stretch => stretch)).ToList();
        var xs = points.SelectMany(p => p.Select(q => q.X)).Concat(bandPoints.Select(q => q.X)).ToList();
        var ys = points.SelectMany(p => p.Select(q => q.Y)).Concat(bandPoints.SelectMany(q => new[] { q.Lower, q.Upper })).ToList();

        // x domain: the data's extent, not widened (a shade or mark outside it is clipped).
        double xMin = xs.Count > 0 ? xs.Min() : 0, xMax = xs.Count > 0 ? xs.Max() : 1;
        if (xMin == xMax) { xMin -= 1; xMax += 1; }

        // Vertical layout first: the y ticks depend on the plot's height.
        var legend = LayoutLegend();
        double top = Pad + legend.Height + (YLabel is null ? 6 : FontSize + 14);
        double bottom = Height - (Pad + FontSize + 8 + (XLabel is null ? 0 : FontSize + 8));
        double plotHeight = Math.Max(20, bottom - top);

        TickSet yTicks;
        if (LogY)
        {
            yTicks = ys.Count > 0 ? Ticks.Log(ys.Min(), ys.Max()) : Ticks.Log(0.1, 1);
        }
        else
        {
            double yMin = ys.Count > 0 ? ys.Min() : 0, yMax = ys.Count > 0 ? ys.Max() : 1;
            if (YFromZero) { yMin = Math.Min(0, yMin); yMax = Math.Max(0, yMax); }
            yTicks = Ticks.Linear(yMin, yMax, Math.Max(3, (int)(plotHeight / 45) + 1));
        }

        double left = Math.Max(40, Pad + yTicks.Labels.Max(l => l.Length) * CharWidth + 10);
        double right = Width - 20;
        double plotWidth = Math.Max(20, right - left);
        // Points keep a few pixels off the y axis and the right edge, where dots would sit on the frame.
        const double inset = 6;
        var xScale = new AxisScale(xMin, xMax, left + inset, right - inset);
        var yScale = new AxisScale(yTicks.Min, yTicks.Max, bottom, top, LogY);

        TickSet xTicks = XAxis == ChartXAxis.Date
            ? Ticks.Dates(xMin, xMax, plotWidth, CharWidth)
            : NumberXTicks(xMin, xMax, plotWidth);

        var svg = new SvgWriter();
        svg.Start("svg").Attr("xmlns", "http://www.w3.org/2000/svg").Attr("viewBox", $"0 0 {Xml.Number(Width)} {Xml.Number(Height)}")
           .Attr("width", "100%").Attr("role", "img").Attr("font-family", FontFamily).Attr("font-size", FontSize);
        if (Title is not null) svg.Start("title").Text(Title).End();
        svg.Start("rect").Attr("width", "100%").Attr("height", "100%").Attr("fill", "#ffffff").End();

        // The shaded stretch under everything.
        if (Shade is { } shade)
        {
            double from = Math.Max(Math.Min(shade.From, shade.To), xMin), to = Math.Min(Math.Max(shade.From, shade.To), xMax);
            if (to > from)
            {
                // A stretch reaching an end of the data reaches the plot's edge.
                double x0 = from <= xMin ? left : xScale.Map(from), x1 = to >= xMax ? right : xScale.Map(to);
                svg.Start("rect").Attr("x", x0).Attr("y", top).Attr("width", x1 - x0).Attr("height", plotHeight).Attr("fill", shade.Color).End();
            }
        }

        // Grid and y labels.
        svg.Start("g").Attr("stroke", "#e3e3e3").Attr("stroke-width", 1);
        foreach (double v in yTicks.Values)
        {
            double y = yScale.Map(v);
            svg.Start("line").Attr("x1", left).Attr("x2", right).Attr("y1", y).Attr("y2", y).End();
        }
        foreach (double v in xTicks.Values)
        {
            double x = xScale.Map(v);
            svg.Start("line").Attr("x1", x).Attr("x2", x).Attr("y1", top).Attr("y2", bottom).End();
        }
        svg.End();

        svg.Start("g").Attr("fill", "#444444").Attr("text-anchor", "end");
        for (int i = 0; i < yTicks.Values.Count; i++)
            svg.Start("text").Attr("x", left - 6).Attr("y", yScale.Map(yTicks.Values[i]) + FontSize * 0.35).Text(yTicks.Labels[i]).End();
        svg.End();

        // x labels: centred under their tick, pulled inside the picture at the ends; a label that would then touch
        // the one before it is left out (its grid line stays).
        svg.Start("g").Attr("fill", "#444444");
        double labelY = bottom + FontSize + 6, previousEnd = double.NegativeInfinity;
        for (int i = 0; i < xTicks.Values.Count; i++)
        {
            double x = xScale.Map(xTicks.Values[i]);
            double width = xTicks.Labels[i].Length * CharWidth;
            string anchor = x + width / 2 > Width - 2 ? "end" : x - width / 2 < 2 ? "start" : "middle";
            double start = anchor == "end" ? x - width : anchor == "start" ? x : x - width / 2;
            if (start < previousEnd + CharWidth) continue;
            previousEnd = start + width;
            svg.Start("text").Attr("x", x).Attr("y", labelY).Attr("text-anchor", anchor).Text(xTicks.Labels[i]).End();
        }
        svg.End();

        // Axes.
        svg.Start("path").Attr("d", $"M{Xml.Number(left)} {Xml.Number(top)}V{Xml.Number(bottom)}H{Xml.Number(right)}")
           .Attr("fill", "none").Attr("stroke", "#888888").Attr("stroke-width", 1).End();

        if (YLabel is not null)
            svg.Start("text").Attr("x", Pad).Attr("y", top - 11).Attr("fill", "#444444").Text(YLabel).End();
        if (XLabel is not null)
            svg.Start("text").Attr("x", (left + right) / 2).Attr("y", Height - Pad).Attr("fill", "#444444").Attr("text-anchor", "middle").Text(XLabel).End();

        // Bands: each unbroken stretch one closed outline, along the upper bound and back along the lower one; a
        // stretch of one point is a vertical stroke.
        for (int i = 0; i < Bands.Count; i++)
        {
            var band = Bands[i];
            foreach (var stretch in bands[i])
            {
                if (stretch.Count == 1)
                {
                    double x = xScale.Map(stretch[0].X);
                    svg.Start("line").Attr("x1", x).Attr("x2", x).Attr("y1", yScale.Map(stretch[0].Upper)).Attr("y2", yScale.Map(stretch[0].Lower))
                       .Attr("stroke", band.Color).Attr("stroke-opacity", Xml.Opacity(band.Opacity)).Attr("stroke-width", band.PointWidth).End();
                    continue;
                }
                var d = new StringBuilder(stretch.Count * 24);
                for (int k = 0; k < stretch.Count; k++)
                    d.Append(k == 0 ? 'M' : 'L').Append(Xml.Number(xScale.Map(stretch[k].X))).Append(' ').Append(Xml.Number(yScale.Map(stretch[k].Upper)));
                for (int k = stretch.Count - 1; k >= 0; k--)
                    d.Append('L').Append(Xml.Number(xScale.Map(stretch[k].X))).Append(' ').Append(Xml.Number(yScale.Map(stretch[k].Lower)));
                d.Append('Z');
                svg.Start("path").Attr("d", d.ToString()).Attr("fill", band.Color).Attr("fill-opacity", Xml.Opacity(band.Opacity)).Attr("stroke", "none").End();
            }
        }

        // Lines.
        foreach (int i in Enumerable.Range(0, Lines.Count).OrderBy(i => Lines[i].Layer))
        {
            var line = Lines[i];
            var mapped = points[i].Select(p => (X: xScale.Map(p.X), Y: yScale.Map(p.Y), p.Break)).ToList();
            var thinned = Thin(mapped);
            if (thinned.Count == 0) continue;
            svg.Start("path").Attr("d", PathData(thinned)).Attr("fill", "none").Attr("stroke", line.Color).Attr("stroke-width", line.Width)
               .Attr("stroke-linejoin", "round").Attr("stroke-linecap", "round").Attr("stroke-dasharray", line.Dash.DashArray()).End();
            if (line.Markers ?? mapped.Count <= AutoMarkerLimit)
            {
                svg.Start("g").Attr("fill", line.Color);
                foreach (var p in mapped)
                    svg.Start("circle").Attr("cx", p.X).Attr("cy", p.Y).Attr("r", 2.5).End();
                svg.End();
            }
        }

        // Marks on top, labelled beside their top end.
        foreach (var mark in Marks)
        {
            if (!(mark.X >= xMin && mark.X <= xMax)) continue;
            double x = xScale.Map(mark.X);
            svg.Start("line").Attr("x1", x).Attr("x2", x).Attr("y1", top).Attr("y2", bottom)
               .Attr("stroke", "#555555").Attr("stroke-width", 1).Attr("stroke-dasharray", "3 3").End();
            bool flip = x + 6 + mark.Label.Length * CharWidth > right;
            svg.Start("text").Attr("x", flip ? x - 5 : x + 5).Attr("y", top + FontSize + 2).Attr("fill", "#333333")
               .Attr("text-anchor", flip ? "end" : null).Text(mark.Label).End();
        }

        // Legend.
        foreach (var item in legend.Items)
        {
            double cy = Pad + item.Row * LegendRow + LegendRow / 2;
            if (item.Line is { } line)
            {
                svg.Start("line").Attr("x1", item.X).Attr("x2", item.X + 26).Attr("y1", cy).Attr("y2", cy).Attr("stroke", line.Color)
                   .Attr("stroke-width", Math.Max(2, line.Width)).Attr("stroke-dasharray", line.Dash.DashArray()).End();
            }
            else if (item.Band is { } band)
            {
                svg.Start("rect").Attr("x", item.X).Attr("y", cy - 7).Attr("width", 26).Attr("height", 14).Attr("fill", band.Color)
                   .Attr("fill-opacity", Xml.Opacity(band.Opacity)).End();
            }
            else
            {
                svg.Start("rect").Attr("x", item.X).Attr("y", cy - 7).Attr("width", 26).Attr("height", 14).Attr("fill", item.Fill)
                   .Attr("stroke", "#d8c27a").Attr("stroke-width", 1).End();
            }
            svg.Start("text").Attr("x", item.X + 32).Attr("y", cy + FontSize * 0.35).Attr("fill", "#222222").Text(item.Name).End();
        }

        svg.End();
        return svg.ToString();
    }

    private TickSet NumberXTicks(double min, double max, double plotWidth)
    {
        // Labels of numbers this size are at most this wide; leave room for them side by side.
        int chars = Math.Max(min.ToString("G5", CultureInfo.InvariantCulture).Length, max.ToString("G5", CultureInfo.InvariantCulture).Length) + 1;
        int maxCount = Math.Max(2, (int)(plotWidth / (chars * CharWidth + 30)));
        var ticks = Ticks.Linear(min, max, maxCount, IntegerX ? 1 : 0);
        var inside = Enumerable.Range(0, ticks.Values.Count).Where(i => ticks.Values[i] >= min - 1e-9 && ticks.Values[i] <= max + 1e-9).ToList();
        return new TickSet(min, max, inside.Select(i => ticks.Values[i]).ToArray(), inside.Select(i => ticks.Labels[i]).ToArray());
    }

    private readonly record struct Point(double X, double Y, bool Break);

    /// <summary>Whether a value can be drawn on the y axis: finite, and positive on a log axis.</summary>
    private bool Drawable(double x, double y) => double.IsFinite(x) && double.IsFinite(y) && (!LogY || y > 0);

    /// <summary>The drawable points of a line; the first of each unbroken stretch starts a new one (Break).</summary>
    private List<Point> Usable(ChartLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.X.Count != line.Y.Count)
            throw new ArgumentException($"chart line '{line.Name}' has {line.X.Count} x values but {line.Y.Count} y values");
        return Stretches.Of(line.X.Count, i => Drawable(line.X[i], line.Y[i]))
            .SelectMany(stretch => stretch.Select(i => new Point(line.X[i], line.Y[i], i == stretch[0])))
            .ToList();
    }

    private readonly record struct BandPoint(double X, double Lower, double Upper);

    /// <summary>The unbroken stretches of a band's drawable points, lower below upper.</summary>
    private List<List<BandPoint>> Usable(ChartBand band)
    {
        ArgumentNullException.ThrowIfNull(band);
        if (band.X.Count != band.Lower.Count || band.X.Count != band.Upper.Count)
            throw new ArgumentException($"chart band '{band.Name}' has {band.X.Count} x values but {band.Lower.Count} lower and {band.Upper.Count} upper bounds");
        return Stretches.Of(band.X.Count, i => Drawable(band.X[i], band.Lower[i]) && Drawable(band.X[i], band.Upper[i]))
            .Select(stretch => stretch.Select(i => new BandPoint(band.X[i], Math.Min(band.Lower[i], band.Upper[i]), Math.Max(band.Lower[i], band.Upper[i]))).ToList())
            .ToList();
    }

    /// <summary>Keeps the first, lowest, highest and last point of each pixel column when a line is denser than 4 per column.</summary>
    private static List<(double X, double Y, bool Break)> Thin(List<(double X, double Y, bool Break)> points)
    {
        if (points.Count < 4) return points;
        double span = Math.Abs(points[^1].X - points[0].X);
        if (points.Count <= 4 * Math.Max(1, span)) return points;
        var result = new List<(double X, double Y, bool Break)>();
        int start = 0;
        while (start < points.Count)
        {
            int end = start + 1;
            double column = Math.Floor(points[start].X);
            while (end < points.Count && Math.Floor(points[end].X) == column && !points[end].Break) end++;
            int lo = start, hi = start;
            for (int k = start; k < end; k++)
            {
                if (points[k].Y < points[lo].Y) lo = k;
                if (points[k].Y > points[hi].Y) hi = k;
            }
            foreach (int k in new[] { start, lo, hi, end - 1 }.Distinct().Order())
                result.Add(points[k]);
            start = end;
        }
        return result;
    }

    private static string PathData(List<(double X, double Y, bool Break)> points)
    {
        var d = new StringBuilder(points.Count * 12);
        for (int i = 0; i < points.Count; i++)
        {
            var p = points[i];
            bool move = i == 0 || p.Break;
            // An isolated point (its stretch has one point) gets a zero-length segment so round caps show it.
            bool isolated = move && (i + 1 == points.Count || points[i + 1].Break);
            d.Append(move ? 'M' : ' ').Append(Xml.Number(p.X)).Append(' ').Append(Xml.Number(p.Y));
            if (isolated) d.Append("h0");
        }
        return d.ToString();
    }

    private sealed record LegendItem(string Name, ChartLine? Line, ChartBand? Band, string Fill, double X, int Row);

    private sealed record Legend(IReadOnlyList<LegendItem> Items, double Height);

    private Legend LayoutLegend()
    {
        var entries = Lines.Select(l => (l.Name, Line: (ChartLine?)l, Band: (ChartBand?)null, Fill: "")).ToList();
        entries.AddRange(Bands.Select(b => (b.Name, (ChartLine?)null, (ChartBand?)b, "")));
        if (Shade is { } shade) entries.Add((shade.Name, null, null, shade.Color));
        var items = new List<LegendItem>();
        double x = Pad + 4;
        int row = 0;
        foreach (var (name, line, band, fill) in entries)
        {
            double width = 32 + name.Length * CharWidth + 22;
            if (x + width > Width - Pad && x > Pad + 4) { row++; x = Pad + 4; }
            items.Add(new LegendItem(name, line, band, fill, x, row));
            x += width;
        }
        return new Legend(items, items.Count == 0 ? 0 : (row + 1) * LegendRow);
    }
}
