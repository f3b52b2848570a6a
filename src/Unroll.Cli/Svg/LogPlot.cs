using System.Globalization;

namespace Unroll.Cli.Svg;

/// <summary>One line of a plot: its name in the legend, its colour, one value per x.</summary>
internal sealed record PlotSeries(string Name, string Color, IReadOnlyList<double> Values, string? Dash = null);

/// <summary>One panel: a title and the lines drawn on a shared log-scale y axis.</summary>
internal sealed record PlotPanel(string Title, string YLabel, IReadOnlyList<PlotSeries> Series);

/// <summary>
/// Panels side by side, x linear (sequence length), y log10 with a label at each (or every k-th) power of ten.
/// Magnitudes are plotted (|value|); zeros and non-finite values cannot sit on a log axis, so the line breaks there
/// and the legend says from where.
/// </summary>
internal static class LogPlot
{
    /// <summary>Colour-blind-safe (Okabe–Ito) colours.</summary>
    public static readonly string[] Colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];

    private const double PanelWidth = 400, PlotHeight = 280, MarginLeft = 74, MarginRight = 26;

    public static string Draw(string title, string subtitle, IReadOnlyList<int> x, IReadOnlyList<PlotPanel> panels, string xLabel, string? footer = null)
    {
        int legendRows = panels.Max(p => p.Series.Count);
        double panelOuter = MarginLeft + PanelWidth + MarginRight;
        double width = panels.Count * panelOuter + 10;
        var subtitleLines = SvgWriter.Wrap(subtitle, (int)((width - 28) / (12 * 0.56)));
        var footerLines = footer is null ? [] : SvgWriter.Wrap(footer, (int)((width - 28) / (11 * 0.56)));
        double top = 44 + subtitleLines.Count * 17 + 30;            // the plot areas start below the title, subtitle and panel titles
        double legendTop = top + PlotHeight + 58;
        double height = legendTop + legendRows * 18 + 10 + footerLines.Count * 16;
        var svg = new SvgWriter(width, height, title);
        svg.Text(14, 24, title, 15, bold: true);
        for (int i = 0; i < subtitleLines.Count; i++) svg.Text(14, 44 + i * 17, subtitleLines[i], 12, fill: "#444");
        for (int k = 0; k < panels.Count; k++)
            DrawPanel(svg, panels[k], x, 10 + k * panelOuter + MarginLeft, top, xLabel, legendTop);
        for (int i = 0; i < footerLines.Count; i++)
            svg.Text(14, height - 12 - (footerLines.Count - 1 - i) * 16, footerLines[i], 11, fill: "#444");
        return svg.ToString();
    }

    private static void DrawPanel(SvgWriter svg, PlotPanel panel, IReadOnlyList<int> x, double left, double top, string xLabel, double legendTop)
    {
        double bottom = top + PlotHeight, right = left + PanelWidth;
        svg.Text(left, top - 12, panel.Title, 12.5, bold: true);

        // y range in decades over every drawable value.
        var logs = panel.Series.SelectMany(s => s.Values).Where(v => double.IsFinite(v) && v != 0).Select(v => Math.Log10(Math.Abs(v))).ToList();
        double lo = logs.Count == 0 ? -1 : Math.Floor(logs.Min()), hi = logs.Count == 0 ? 1 : Math.Ceiling(logs.Max());
        if (hi - lo < 2) { lo -= 1; hi += 1; }
        double xMin = x.Count > 0 ? x[0] : 0, xMax = x.Count > 0 ? x[^1] : 1;
        if (xMax <= xMin) { xMin -= 0.5; xMax += 0.5; }
        double X(double v) => left + (v - xMin) / (xMax - xMin) * PanelWidth;
        double Y(double log) => bottom - (log - lo) / (hi - lo) * PlotHeight;

        svg.Rect(left, top, PanelWidth, PlotHeight, "#fcfcfc", "#bbb", 1);
        int decadeStep = (int)Math.Ceiling((hi - lo) / 8);
        for (double d = Math.Ceiling(lo / decadeStep) * decadeStep; d <= hi + 1e-9; d += decadeStep)
        {
            double y = Y(d);
            svg.Line(left, y, right, y, d == 0 ? "#999" : "#e3e3e3", 1);
            svg.Text(left - 6, y + 4, PowerOfTen((int)d), 11, "end", "#333");
        }
        double xStep = NiceStep(xMax - xMin, 8);
        for (double v = Math.Ceiling(xMin / xStep) * xStep; v <= xMax + 1e-9; v += xStep)
        {
            if (v < xMin) continue;
            svg.Line(X(v), bottom, X(v), bottom + 5, "#666", 1);
            svg.Text(X(v), bottom + 18, v.ToString("0.##", CultureInfo.InvariantCulture), 11, "middle", "#333");
        }
        svg.Text(left + PanelWidth / 2, bottom + 36, xLabel, 11.5, "middle", "#333");
        svg.Text(left - 52, top + PlotHeight / 2, panel.YLabel, 11.5, "middle", "#333", rotate: -90);

        for (int k = 0; k < panel.Series.Count; k++)
        {
            var series = panel.Series[k];
            var run = new List<(double, double)>();
            for (int i = 0; i < x.Count && i < series.Values.Count; i++)
            {
                double v = series.Values[i];
                if (double.IsFinite(v) && v != 0)
                {
                    run.Add((X(x[i]), Y(Math.Log10(Math.Abs(v)))));
                    continue;
                }
                Flush(svg, run, series);
            }
            Flush(svg, run, series);

            double ly = legendTop + k * 18;
            svg.Line(left, ly - 4, left + 26, ly - 4, series.Color, 2.6, series.Dash);
            svg.Text(left + 34, ly, series.Name + Gaps(series.Values, x), 11.5, fill: "#222");
        }
    }

    private static void Flush(SvgWriter svg, List<(double X, double Y)> run, PlotSeries series)
    {
        if (run.Count == 1) svg.Circle(run[0].X, run[0].Y, 2.5, series.Color);
        else svg.Polyline(run, series.Color, 2.2, series.Dash);
        run.Clear();
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

    /// <summary>10 with a superscript exponent: 10⁻¹⁵, 10⁰, 10¹⁴.</summary>
    public static string PowerOfTen(int exponent)
    {
        const string digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        var text = Math.Abs(exponent).ToString(CultureInfo.InvariantCulture);
        return "10" + (exponent < 0 ? "⁻" : "") + string.Concat(text.Select(c => digits[c - '0']));
    }

    private static double NiceStep(double range, int maxTicks)
    {
        double raw = range / maxTicks, power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        foreach (var m in new[] { 1.0, 2, 5, 10 })
            if (m * power >= raw) return Math.Max(1, m * power);
        return Math.Max(1, 10 * power);
    }
}
