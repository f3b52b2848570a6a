namespace Unroll.Charts;

/// <summary>One line of a <see cref="LogPlot"/>: its name in the legend, its colour, one value per x.</summary>
/// <param name="Name">The legend entry.</param>
/// <param name="Color">A CSS colour, such as "#0072B2".</param>
/// <param name="Values">One value per x; magnitudes are drawn.</param>
/// <param name="Dash">The stroke pattern.</param>
public sealed record PlotSeries(string Name, string Color, IReadOnlyList<double> Values, LineDash Dash = LineDash.Solid);

/// <summary>A horizontal line that marks a value on a <see cref="LogPlot"/> panel, with a label that says what it means.</summary>
/// <param name="Value">Where the line stands (positive; drawn only when inside the axis).</param>
/// <param name="Label">Written along the line, at its right end.</param>
public sealed record PlotReference(double Value, string Label);

/// <summary>One panel of a <see cref="LogPlot"/>: a title and the lines drawn on a shared log-scale y axis.</summary>
/// <param name="Title">Above the panel.</param>
/// <param name="YLabel">Beside the y axis.</param>
/// <param name="Series">The lines, listed in the legend in this order.</param>
/// <param name="Reference">A labelled horizontal line, drawn darker than the grid, or null for none.</param>
public sealed record PlotPanel(string Title, string YLabel, IReadOnlyList<PlotSeries> Series, PlotReference? Reference = null);

/// <summary>
/// Panels side by side, x linear (such as sequence length), y a log10 axis of whole decades (<see cref="Ticks.Decades"/>).
/// Magnitudes are plotted (|value|); zeros and non-finite values cannot sit on a log axis, so the line breaks there
/// and the legend says from where.
/// </summary>
public static class LogPlot
{
    /// <summary>Colour-blind-safe (Okabe–Ito) colours.</summary>
    public static IReadOnlyList<string> Colors { get; } = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];

    private const double PanelWidth = 400, PlotHeight = 280, MarginLeft = 74, MarginRight = 26;

    /// <summary>Draws the panels as one standalone SVG document.</summary>
    /// <param name="title">The heading, also the document's title.</param>
    /// <param name="subtitle">A line (wrapped) under the heading.</param>
    /// <param name="x">The x values, increasing, shared by every series.</param>
    /// <param name="panels">The panels, left to right.</param>
    /// <param name="xLabel">Under each panel's x axis.</param>
    /// <param name="footer">A paragraph (wrapped) at the bottom, or null.</param>
    public static string Draw(string title, string subtitle, IReadOnlyList<int> x, IReadOnlyList<PlotPanel> panels, string xLabel, string? footer = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(panels);
        int legendRows = panels.Max(p => p.Series.Count);
        double panelOuter = MarginLeft + PanelWidth + MarginRight;
        double width = panels.Count * panelOuter + 10;
        var subtitleLines = SvgDrawing.Wrap(subtitle, (int)((width - 28) / (12 * 0.56)));
        var footerLines = footer is null ? [] : SvgDrawing.Wrap(footer, (int)((width - 28) / (11 * 0.56)));
        double top = 44 + subtitleLines.Count * 17 + 30;            // the plot areas start below the title, subtitle and panel titles
        double legendTop = top + PlotHeight + 58;
        double height = legendTop + legendRows * 18 + 10 + footerLines.Count * 16;
        var svg = new SvgDrawing(width, height, title);
        svg.Text(14, 24, title, 15, bold: true);
        for (int i = 0; i < subtitleLines.Count; i++) svg.Text(14, 44 + i * 17, subtitleLines[i], 12, fill: "#444");
        for (int k = 0; k < panels.Count; k++)
            DrawPanel(svg, panels[k], x, 10 + k * panelOuter + MarginLeft, top, xLabel, legendTop);
        for (int i = 0; i < footerLines.Count; i++)
            svg.Text(14, height - 12 - (footerLines.Count - 1 - i) * 16, footerLines[i], 11, fill: "#444");
        return svg.ToString();
    }

    private static bool Drawable(double v) => double.IsFinite(v) && v != 0;

    private static void DrawPanel(SvgDrawing svg, PlotPanel panel, IReadOnlyList<int> x, double left, double top, string xLabel, double legendTop)
    {
        double bottom = top + PlotHeight, right = left + PanelWidth;
        svg.Text(left, top - 12, panel.Title, 12.5, bold: true);

        // y in whole decades over every drawable magnitude.
        var magnitudes = panel.Series.SelectMany(s => s.Values).Where(Drawable).Select(Math.Abs).ToList();
        var yTicks = magnitudes.Count == 0 ? Ticks.Decades(1, 1, 9) : Ticks.Decades(magnitudes.Min(), magnitudes.Max(), 9);
        var y = new AxisScale(yTicks.Min, yTicks.Max, bottom, top, Log: true);
        double xMin = x.Count > 0 ? x[0] : 0, xMax = x.Count > 0 ? x[^1] : 1;
        if (xMax <= xMin) { xMin -= 0.5; xMax += 0.5; }
        var xScale = new AxisScale(xMin, xMax, left, right);

        svg.Rect(left, top, PanelWidth, PlotHeight, "#fcfcfc", "#bbb", 1);
        var reference = panel.Reference is { Value: > 0 } r && r.Value >= yTicks.Min && r.Value <= yTicks.Max ? r : null;
        for (int i = 0; i < yTicks.Values.Count; i++)
        {
            double v = yTicks.Values[i], at = y.Map(v);
            if (v != reference?.Value) svg.Line(left, at, right, at, "#e3e3e3", 1);
            svg.Text(left - 6, at + 4, yTicks.Labels[i], 11, "end", "#333");
        }
        if (reference is not null)
        {
            // The label sits above the line, or below it when the line is the top of the frame.
            double at = y.Map(reference.Value);
            svg.Line(left, at, right, at, "#999", 1);
            svg.Text(right - 6, at - 5 - 11 < top ? at + 14 : at - 5, reference.Label, 10.5, "end", "#666");
        }
        var xTicks = Ticks.Within(xMin, xMax, Math.Max(1, Ticks.NiceStep((xMax - xMin) / 8)));
        for (int i = 0; i < xTicks.Values.Count; i++)
        {
            double at = xScale.Map(xTicks.Values[i]);
            svg.Line(at, bottom, at, bottom + 5, "#666", 1);
            svg.Text(at, bottom + 18, xTicks.Labels[i], 11, "middle", "#333");
        }
        svg.Text(left + PanelWidth / 2, bottom + 36, xLabel, 11.5, "middle", "#333");
        svg.Text(left - 52, top + PlotHeight / 2, panel.YLabel, 11.5, "middle", "#333", rotate: -90);

        for (int k = 0; k < panel.Series.Count; k++)
        {
            var series = panel.Series[k];
            foreach (var stretch in Stretches.Of(Math.Min(x.Count, series.Values.Count), i => Drawable(series.Values[i])))
            {
                var run = stretch.Select(i => (xScale.Map(x[i]), y.Map(Math.Abs(series.Values[i])))).ToList();
                if (run.Count == 1) svg.Circle(run[0].Item1, run[0].Item2, 2.5, series.Color);
                else svg.Polyline(run, series.Color, 2.2, series.Dash.DashArray());
            }

            double ly = legendTop + k * 18;
            svg.Line(left, ly - 4, left + 26, ly - 4, series.Color, 2.6, series.Dash.DashArray());
            svg.Text(left + 34, ly, series.Name + Gaps(series.Values, x), 11.5, fill: "#222");
        }
    }

    /// <summary>
    /// Says where a series could not be drawn: exact zeros after a non-zero value (a switched-off ReLU) or overflow.
    /// Leading zeros are left to the caller's footer (W_hh's gradient is 0 at T = 1, where it multiplies h₀ = 0).
    /// </summary>
    private static string Gaps(IReadOnlyList<double> values, IReadOnlyList<int> x)
    {
        int zero = -1, overflow = -1;
        bool seen = false;
        for (int i = 0; i < values.Count && i < x.Count; i++)
        {
            seen |= values[i] != 0;
            if (values[i] == 0 && seen is false) continue;
            if (values[i] == 0 && zero < 0) zero = i;
            if (!double.IsFinite(values[i]) && overflow < 0) overflow = i;
        }
        var notes = new List<string>();
        if (zero >= 0) notes.Add($"exactly 0 at T = {x[zero]}{(values.Skip(zero).All(v => v == 0) ? " and after" : "")}, not drawn");
        if (overflow >= 0) notes.Add($"beyond double range from T = {x[overflow]}");
        return notes.Count == 0 ? "" : $"  ({string.Join("; ", notes)})";
    }
}
