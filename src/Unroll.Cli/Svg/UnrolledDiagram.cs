using Unroll.Charts;
using Unroll.Core;
using Unroll.Core.Analysis;
using static Unroll.Cli.Svg.NumberText;

namespace Unroll.Cli.Svg;

/// <summary>
/// Draws an unrolled network: one column per input (oldest on the left), inputs at the bottom, each layer's copy
/// above its input, the outputs on top; weights on the arrows, values inside the nodes. The last output is the
/// prediction (green); the earlier outputs are drawn dashed and grey, as the ones the network ignores.
/// </summary>
internal static class UnrolledDiagram
{
    private const double NodeFont = 12, LabelFont = 11, LineHeight = 16, Padding = 8;
    private const double LeftMargin = 78, RowGap = 58, TopMargin = 64;

    public static string Draw(RecurrentNetwork<double> network, UnrolledTrace trace)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(trace);
        var s = network.Shape;
        bool oneUnit = s is { Layers: 1, InputSize: 1, HiddenSize: 1, OutputSize: 1 };
        bool lstm = s.Cell == CellKind.Lstm;
        int n = trace.Length, layers = s.Layers;

        // Node texts.
        var inputs = Enumerable.Range(0, n).Select(t => new[] { oneUnit ? $"input {Format(trace.Layers[0][t].Input[0])}" : $"x = {Vector(trace.Layers[0][t].Input, 3, 4, count: false)}" }).ToArray();
        var cells = Enumerable.Range(0, layers).Select(l => Enumerable.Range(0, n).Select(t => CellLines(network, trace.Layers[l][t], oneUnit)).ToArray()).ToArray();
        var outputs = Enumerable.Range(0, n).Select(t => new[]
        {
            oneUnit
                ? $"{Format(trace.Layers[0][t].Hidden[0], 4)}×{Paren(network["head.weight"].Value[0])} + {Format(network["head.bias"].Value[0], 4)} = {Format(trace.Outputs[t][0], 4)}"
                : $"out = {Vector(trace.Outputs[t], 3, 4, count: false)}",
        }).ToArray();

        // Edge labels: weights on the arrows.
        bool elman = s.Cell is CellKind.RnnRelu or CellKind.RnnTanh;
        string inputLabel = oneUnit && elman ? $"w1 = {Format(network["rnn.weight_ih_l0"].Value[0])}" : WeightLabel(network, "rnn.weight_ih_l0", s.Cell);
        string headLabel = oneUnit ? $"{(elman ? "w3" : "w_out")} = {Format(network["head.weight"].Value[0])}" : WeightLabel(network, "head.weight", s.Cell);
        var upLabels = Enumerable.Range(1, layers - 1).Select(l => WeightLabel(network, $"rnn.weight_ih_l{l}", s.Cell)).ToArray();
        var recurrentLabels = Enumerable.Range(0, layers).Select(l => oneUnit && elman
            ? $"w2 = {Format(network["rnn.weight_hh_l0"].Value[0])}" : WeightLabel(network, $"rnn.weight_hh_l{l}", s.Cell)).ToArray();
        string stateName = oneUnit && elman ? "y" : "h";

        // Geometry: every node the same width; the gap between copies holds the recurrent arrow and its label.
        var allLines = inputs.SelectMany(x => x).Concat(cells.SelectMany(c => c.SelectMany(x => x))).Concat(outputs.SelectMany(x => x));
        double boxWidth = Math.Max(120, allLines.Max(line => SvgDrawing.MonoWidth(line, NodeFont)) + 2 * Padding);
        double gap = Math.Max(96, recurrentLabels.Max(label => SvgDrawing.MonoWidth(label, LabelFont)) + 24);
        double verticalLabel = new[] { inputLabel, headLabel }.Concat(upLabels).Max(label => SvgDrawing.MonoWidth(label, LabelFont));
        gap = Math.Max(gap, verticalLabel + 16 - boxWidth / 2);
        double pitch = boxWidth + gap;
        double Left(int t) => LeftMargin + gap + t * pitch;
        double Center(int t) => Left(t) + boxWidth / 2;
        double Height(int lines) => lines * LineHeight + Padding + 2;
        double outputHeight = Height(1), inputHeight = Height(1);
        var cellHeights = cells.Select(c => Height(c.Max(x => x.Length))).ToArray();

        double outputTop = TopMargin + 18;
        var cellTops = new double[layers];
        double y = outputTop + outputHeight + RowGap;
        for (int l = layers - 1; l >= 0; l--)
        {
            cellTops[l] = y;
            y += cellHeights[l] + RowGap;
        }
        double inputTop = y;
        string title = $"{s.Cell.ToName()} unrolled over {n} input{(n == 1 ? "" : "s")}, oldest on the left";
        string subtitle = "Every copy uses the same weights and biases.";
        string[] notes =
        [
            "Arrows carry the weight the value is multiplied by; boxes show the values computed there.",
            "Biases: " + BiasNote(network, oneUnit) + ".",
            "Only the last output is the prediction; the earlier outputs (dashed) are computed and ignored.",
        ];
        double width = Math.Max(Math.Max(Left(n - 1) + boxWidth + 24, Center(n - 1) + 7 + verticalLabel + 16),
            24 + Math.Max(SvgDrawing.SansWidth(title, 15, bold: true), notes.Max(line => SvgDrawing.SansWidth(line, LabelFont))));
        double note = inputTop + inputHeight + 46;
        double height = note + (notes.Length - 1) * 17 + 14;

        var svg = new SvgDrawing(width, height, title);
        svg.Text(12, 24, title, 15, bold: true);
        svg.Text(12, 44, subtitle, 12.5, fill: "#333");

        // Row names.
        svg.Text(12, outputTop + outputHeight / 2 + 4, "output", LabelFont, fill: "#666");
        for (int l = 0; l < layers; l++)
            svg.Text(12, cellTops[l] + cellHeights[l] / 2 + 4, layers > 1 ? $"layer {l + 1}" : "copy", LabelFont, fill: "#666");
        svg.Text(12, inputTop + inputHeight / 2 + 4, "input", LabelFont, fill: "#666");

        for (int t = 0; t < n; t++)
        {
            double cx = Center(t), left = Left(t);
            bool last = t == n - 1;

            // Input node and the arrow up into the first layer.
            svg.Rect(left, inputTop, boxWidth, inputHeight, "#e8f1fb", "#4a7ab5", 1.2, 6);
            Lines(svg, cx, inputTop, inputs[t]);
            VerticalArrow(svg, cx, inputTop, cellTops[0] + cellHeights[0], inputLabel);

            for (int l = 0; l < layers; l++)
            {
                double top = cellTops[l], h = cellHeights[l];
                svg.Rect(left, top, boxWidth, h, "#fff4e0", "#d08c2b", 1.4, 6);
                Lines(svg, cx, top, cells[l][t], boxLines: cells[l].Max(c => c.Length));
                if (l + 1 < layers) VerticalArrow(svg, cx, top, cellTops[l + 1] + cellHeights[l + 1], upLabels[l]);

                // What flows to the next copy (or, for the first, the zero start).
                double hy = lstm ? top + h * 0.35 : top + h / 2;
                double from = t == 0 ? LeftMargin + 4 : Left(t - 1) + boxWidth;
                string label = t == 0 ? $"{stateName}₀ = 0" : recurrentLabels[l];
                svg.Line(from, hy, left, hy, "#444", 1.4, dash: t == 0 ? "4 3" : null, arrow: true);
                svg.Text((from + left) / 2, hy - 6, label, LabelFont, "middle", "#333", SvgDrawing.Mono);
                if (lstm)
                {
                    double cy = top + h * 0.72;
                    svg.Line(from, cy, left, cy, "#8a5a00", 1.4, dash: t == 0 ? "4 3" : null, arrow: true);
                    svg.Text((from + left) / 2, cy + 14, t == 0 ? "c₀ = 0" : "c (× f)", LabelFont, "middle", "#8a5a00", SvgDrawing.Mono);
                }
            }

            // Output node: the last one is the prediction, the others are ignored.
            double topCell = cellTops[layers - 1];
            VerticalArrow(svg, cx, topCell, outputTop + outputHeight, headLabel);
            if (last)
            {
                svg.Rect(left, outputTop, boxWidth, outputHeight, "#e6f5e6", "#2e8b57", 2.2, 6);
                Lines(svg, cx, outputTop, outputs[t], "#0f4d2a", bold: true);
                svg.Text(cx, outputTop - 6, "prediction for tomorrow", LabelFont, "middle", "#1d6b3f", bold: true);
            }
            else
            {
                svg.Rect(left, outputTop, boxWidth, outputHeight, "#f5f5f5", "#aaa", 1, 6, "5 4");
                Lines(svg, cx, outputTop, outputs[t], "#888");
                svg.Text(cx, outputTop - 6, "ignored", LabelFont, "middle", "#999", italic: true);
            }

            svg.Text(cx, inputTop + inputHeight + 18, $"copy {t + 1}", LabelFont, "middle", "#666");
        }

        for (int i = 0; i < notes.Length; i++) svg.Text(12, note + i * 17, notes[i], LabelFont, fill: "#444");
        return svg.ToString();
    }

    private static string[] CellLines(RecurrentNetwork<double> network, UnrolledStep step, bool oneUnit)
    {
        var s = network.Shape;
        int h = s.HiddenSize;
        string V(double[] values, int from, int count) => Vector(values.AsSpan(from, count).ToArray(), 3, 4, count: false);
        switch (s.Cell)
        {
            case CellKind.RnnRelu or CellKind.RnnTanh:
                var activation = s.Cell == CellKind.RnnRelu ? "max(0, x)" : "tanh(x)";
                if (oneUnit)
                {
                    double bias = network["rnn.bias_ih_l0"].Value[0] + network["rnn.bias_hh_l0"].Value[0];
                    return
                    [
                        $"{Format(step.Input[0], 4)}×{Paren(network["rnn.weight_ih_l0"].Value[0])} + {Format(step.PreviousHidden[0], 4)}×{Paren(network["rnn.weight_hh_l0"].Value[0])} + {Format(bias, 4)}",
                        $"x = {Format(step.PreActivation[0], 4)}",
                        $"y = {activation} = {Format(step.Hidden[0], 4)}",
                    ];
                }
                return [$"a = {V(step.PreActivation, 0, h)}", $"h = {activation.Replace("x", "a")} = {V(step.Hidden, 0, h)}"];
            case CellKind.Lstm:
                if (oneUnit)
                    return
                    [
                        $"i = {Format(step.Gates[0], 4)}, f = {Format(step.Gates[1], 4)}",
                        $"g = {Format(step.Gates[2], 4)}, o = {Format(step.Gates[3], 4)}",
                        $"c = {Format(step.Cell![0], 4)}",
                        $"h = {Format(step.Hidden[0], 4)}",
                    ];
                return [$"i = {V(step.Gates, 0, h)}", $"f = {V(step.Gates, h, h)}", $"g = {V(step.Gates, 2 * h, h)}", $"o = {V(step.Gates, 3 * h, h)}",
                    $"c = {V(step.Cell!, 0, h)}", $"h = {V(step.Hidden, 0, h)}"];
            case CellKind.Gru:
                if (oneUnit)
                    return [$"r = {Format(step.Gates[0], 4)}, z = {Format(step.Gates[1], 4)}", $"n = {Format(step.Gates[2], 4)}", $"h = {Format(step.Hidden[0], 4)}"];
                return [$"r = {V(step.Gates, 0, h)}", $"z = {V(step.Gates, h, h)}", $"n = {V(step.Gates, 2 * h, h)}", $"h = {V(step.Hidden, 0, h)}"];
            default:
                throw new ArgumentOutOfRangeException(nameof(network), s.Cell, null);
        }
    }

    /// <summary>A weight matrix named on its arrow: its values when it has at most 4, otherwise its name and shape.</summary>
    private static string WeightLabel(RecurrentNetwork<double> network, string name, CellKind cell)
    {
        var p = network[name];
        var symbol = name switch
        {
            "head.weight" => "W_head",
            _ when name.StartsWith("rnn.weight_ih", StringComparison.Ordinal) => "W_ih",
            _ => "W_hh",
        };
        if (p.Value.Length <= 4)
        {
            string gates = p.Value.Length > 1 && name.StartsWith("rnn.", StringComparison.Ordinal)
                ? $" ({string.Join(",", UnrolledTrace.GateNames(cell))})" : "";
            return $"{symbol}{gates} = {Vector(p.Value, 4, 3)}";
        }
        return $"{symbol} ({string.Join("×", p.Shape)})";
    }

    private static string BiasNote(RecurrentNetwork<double> network, bool oneUnit)
    {
        if (oneUnit && network.Shape.Cell is CellKind.RnnRelu or CellKind.RnnTanh)
            return $"b1 = {Format(network["rnn.bias_ih_l0"].Value[0] + network["rnn.bias_hh_l0"].Value[0])} is added in each copy's sum, b2 = {Format(network["head.bias"].Value[0])} in each output";
        return "rnn.bias_ih and rnn.bias_hh are added inside each copy, head.bias in each output";
    }

    private static string Paren(double value) => value < 0 ? $"({Format(value, 4)})" : Format(value, 4);

    /// <summary>The lines centred vertically in a box sized for <paramref name="boxLines"/> lines (default: as many as there are).</summary>
    private static void Lines(SvgDrawing svg, double cx, double top, IReadOnlyList<string> lines, string fill = "#222", bool bold = false, int? boxLines = null)
    {
        double offset = ((boxLines ?? lines.Count) - lines.Count) * LineHeight / 2;
        for (int i = 0; i < lines.Count; i++)
            svg.Text(cx, top + offset + Padding / 2 + 1 + (i + 1) * LineHeight - 4, lines[i], NodeFont, "middle", fill, SvgDrawing.Mono, bold);
    }

    private static void VerticalArrow(SvgDrawing svg, double x, double fromY, double toY, string label)
    {
        svg.Line(x, fromY, x, toY, "#444", 1.4, arrow: true);
        svg.Text(x + 7, (fromY + toY) / 2 + 4, label, LabelFont, fill: "#333", family: SvgDrawing.Mono);
    }
}
