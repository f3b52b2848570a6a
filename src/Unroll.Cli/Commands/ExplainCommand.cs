using System.CommandLine;
using System.Globalization;
using Unroll.Cli.Svg;
using Unroll.Core;
using Unroll.Core.Analysis;
using Unroll.Core.Io;
using static Unroll.Cli.Svg.NumberText;

namespace Unroll.Cli.Commands;

/// <summary>
/// `unroll explain`: the unrolled computation of a model on a sequence, copy by copy, with the actual numbers;
/// one-unit networks as equations, wider layers as tables; optionally the unrolled network drawn as SVG.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "Model file (safetensors), or 'statquest' for the built-in one-unit ReLU example", Required = true };
        var sequence = new Option<string?>("--sequence") { Description = "One sequence of single-feature steps, oldest first, separated by commas, e.g. 0,0.5" };
        var input = new Option<string?>("--input") { Description = "JSON file of sequences as for 'unroll run' ([[step, ...], ...]), or '-' for standard input; each is explained in turn" };
        var cell = new Option<string?>("--cell") { Description = "Cell for a model file without 'cell' metadata: rnn_relu, rnn_tanh, lstm or gru" };
        var map = Arguments.MapOption();
        var svg = new Option<string?>("--svg") { Description = "Also draw the unrolled network to this SVG file: one copy per input, weights on the arrows, values at the nodes" };
        var command = new Command("explain", "Show exactly what the network computes: every unrolled copy with its sums, activations, gates and output, in real numbers")
            { model, sequence, input, cell, svg, map };
        command.SetAction(parse =>
        {
            string? sequenceText = parse.GetValue(sequence), inputPath = parse.GetValue(input), svgPath = parse.GetValue(svg);
            if ((sequenceText is null) == (inputPath is null))
                throw new UserError(sequenceText is null
                    ? "explain needs a sequence: give --sequence 0,0.5 (one number per step) or --input FILE (JSON as for 'unroll run')"
                    : "give either --sequence or --input, not both");
            new OutputGuard().Input("--model", parse.GetValue(model) is { } m && m != "statquest" ? m : null).Input("--input", inputPath)
                .File("--svg", svgPath, "unrolled.svg", OutputKind.Svg).Check();
            var (network, inFloat) = LoadModel(context, parse.GetValue(model)!, parse.GetValue(cell), parse.GetValue(map));

            string source = inputPath == "-" ? "standard input" : inputPath!;
            List<IReadOnlyList<double[]>> sequences = sequenceText is not null
                ? [ParseSequence(sequenceText, network.Shape.InputSize, inFloat)]
                : inFloat   // read as run reads them for this model: values beyond float32 are refused alike
                    ? [.. RaggedJson.Sequences<float>(context.ReadText(inputPath!, "input"), source, network.Shape.InputSize)
                        .Select(s => (IReadOnlyList<double[]>)[.. s.Select(step => step.Select(v => (double)v).ToArray())])]
                    : RaggedJson.Sequences<double>(context.ReadText(inputPath!, "input"), source, network.Shape.InputSize);
            if (svgPath is not null && sequences.Count != 1)
                throw new UserError($"--svg draws one sequence, but {inputPath} holds {sequences.Count}: keep one in the file, or use --sequence");

            // Computed in the model's own number type, as run computes it; shown from the double copy of its weights,
            // which holds float32 weights exactly.
            var floatNetwork = inFloat ? network.Convert<float>() : null;
            var traces = sequences.Select(s => floatNetwork is null ? UnrolledTrace.Record(network, s)
                : UnrolledTrace.Record(floatNetwork, [.. s.Select(step => step.Select(v => (float)v).ToArray())])).ToList();
            var o = context.Out;
            WriteHeader(o, network, traces[0].Length, sequences.Count);
            for (int s = 0; s < traces.Count; s++)
            {
                if (traces.Count > 1) o.WriteLine($"═══ Sequence {s + 1} of {traces.Count} ═══");
                WriteTrace(o, network, traces[s]);
            }
            o.WriteLine("Every copy used the same weights and biases; only the input and what the previous copy passed on changed.");
            if (traces.Any(t => t.Prediction.Any(v => !double.IsFinite(v))))
                o.WriteLine($"The prediction is not a finite number: a sum overflowed the model's number type ({RaggedJson.NumberType(inFloat)}), as 'unroll run' reports it (null).");
            if (svgPath is not null)
            {
                AtomicFile.WriteText(svgPath, UnrolledDiagram.Draw(network, traces[0]));
                o.WriteLine($"Drew the unrolled network to {svgPath}.");
            }
            return UnrollCli.Ok;
        });
        return command;
    }

    /// <summary>A built-in example or a model file in double (which holds float32 weights exactly), and whether it
    /// computes in float32: a model file stored so, and the built-in example, as run computes them.</summary>
    internal static (RecurrentNetwork<double> Network, bool InFloat) LoadModel(CliContext context, string name, string? cellName, string? map)
    {
        if (cellName is not null) Arguments.Cell(cellName);
        if (map is not null) Arguments.NameMap(map);
        if (name == "statquest")
        {
            Arguments.OnlyForStateDicts(name, cellName, map);
            return (Examples.StatQuest<float>().Convert<double>(), true);
        }
        var loaded = Arguments.LoadModel(context, name, cellName, map);
        return (loaded.Network, !loaded.StoredAsDouble);
    }

    /// <summary>The numbers of --sequence, one a step, refused in one line when one is not a number or, for a float32
    /// model, does not fit float32.</summary>
    internal static List<double[]> ParseSequence(string text, int features, bool inFloat)
    {
        if (features != 1)
            throw new UserError($"--sequence gives one number per step, but the model expects {features} features per step: write the steps to a JSON file, e.g. [[[0.1, 0.2], [0.3, 0.4]]], and pass --input FILE");
        var parts = text.Split(',');
        var steps = new List<double[]>();
        for (int k = 0; k < parts.Length; k++)
        {
            var part = parts[k].Trim().Replace(Minus, '-');
            if (part.Length == 0)
                throw new UserError($"--sequence {text}: value {k + 1} is empty; write numbers separated by commas, e.g. --sequence 0,0.5");
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                throw new UserError($"--sequence {text}: '{parts[k].Trim()}' (value {k + 1}) is not a number; write numbers separated by commas, e.g. --sequence 0,0.5");
            if (inFloat && !float.IsFinite((float)value))
                throw new UserError($"--sequence {text}: '{parts[k].Trim()}' (value {k + 1}) does not fit the model's number type ({RaggedJson.NumberType(inFloat: true)} in size)");
            steps.Add([value]);
        }
        return steps;
    }

    /// <summary>True for the one-unit case shown as equations: one layer, one input, one hidden unit, one output.</summary>
    internal static bool IsOneUnit(NetworkShape s) => s is { Layers: 1, InputSize: 1, HiddenSize: 1, OutputSize: 1 };

    private static void WriteHeader(TextWriter o, RecurrentNetwork<double> network, int length, int sequences)
    {
        var s = network.Shape;
        string Plural(int n, string what) => $"{n} {what}{(n == 1 ? "" : "s")}";
        var copies = sequences == 1 ? $"unrolled into {length} {(length == 1 ? "copy" : "copies")}, one per input, oldest first" : "unrolled into one copy per input, oldest first";
        o.WriteLine($"The network: {s.Cell.ToName()}, {Plural(s.InputSize, "input")}, {Plural(s.HiddenSize, "hidden unit")}"
            + (s.Layers > 1 ? $" in each of {s.Layers} layers" : "") + $", {Plural(s.OutputSize, "output")}; {copies}.");
        double P(string name, int index = 0) => network[name].Value[index];
        if (IsOneUnit(s))
        {
            double Bias(int gate) => P("rnn.bias_ih_l0", gate) + P("rnn.bias_hh_l0", gate);
            switch (s.Cell)
            {
                case CellKind.RnnRelu or CellKind.RnnTanh:
                    o.WriteLine($"Each copy computes  x = input × w1 + previous y × w2 + b1,  y = {(s.Cell == CellKind.RnnRelu ? "max(0, x)" : "tanh(x)")},  output = y × w3 + b2.");
                    o.WriteLine("Every copy uses the same weights and biases:");
                    o.WriteLine($"  w1 = {Format(P("rnn.weight_ih_l0"))} (input weight, rnn.weight_ih_l0)    w2 = {Format(P("rnn.weight_hh_l0"))} (recurrent weight, rnn.weight_hh_l0)");
                    o.WriteLine($"  b1 = {Format(Bias(0))} (rnn.bias_ih_l0 + rnn.bias_hh_l0)    w3 = {Format(P("head.weight"))} (output weight, head.weight)    b2 = {Format(P("head.bias"))} (head.bias)");
                    break;
                case CellKind.Lstm:
                    o.WriteLine("Each copy computes, with x the input and h', c' what the previous copy passed on:");
                    o.WriteLine("  i = σ(x × W_ii + h' × W_hi + b_i)   input gate     f = σ(x × W_if + h' × W_hf + b_f)   forget gate");
                    o.WriteLine("  g = tanh(x × W_ig + h' × W_hg + b_g) candidate     o = σ(x × W_io + h' × W_ho + b_o)   output gate");
                    o.WriteLine("  c = f × c' + i × g,   h = o × tanh(c),   output = h × w_out + b_out");
                    o.WriteLine("Every copy uses the same weights and biases:");
                    o.WriteLine($"  W_ii = {Format(P("rnn.weight_ih_l0", 0))}, W_if = {Format(P("rnn.weight_ih_l0", 1))}, W_ig = {Format(P("rnn.weight_ih_l0", 2))}, W_io = {Format(P("rnn.weight_ih_l0", 3))} (rnn.weight_ih_l0)");
                    o.WriteLine($"  W_hi = {Format(P("rnn.weight_hh_l0", 0))}, W_hf = {Format(P("rnn.weight_hh_l0", 1))}, W_hg = {Format(P("rnn.weight_hh_l0", 2))}, W_ho = {Format(P("rnn.weight_hh_l0", 3))} (rnn.weight_hh_l0)");
                    o.WriteLine($"  b_i = {Format(Bias(0))}, b_f = {Format(Bias(1))}, b_g = {Format(Bias(2))}, b_o = {Format(Bias(3))} (rnn.bias_ih_l0 + rnn.bias_hh_l0)");
                    o.WriteLine($"  w_out = {Format(P("head.weight"))} (head.weight), b_out = {Format(P("head.bias"))} (head.bias)");
                    break;
                case CellKind.Gru:
                    o.WriteLine("Each copy computes, with x the input and h' the previous copy's h:");
                    o.WriteLine("  r = σ(x × W_ir + h' × W_hr + b_r)   reset gate     z = σ(x × W_iz + h' × W_hz + b_z)   update gate");
                    o.WriteLine("  n = tanh(x × W_in + b_in + r × (h' × W_hn + b_hn))   candidate");
                    o.WriteLine("  h = (1 − z) × n + z × h',   output = h × w_out + b_out");
                    o.WriteLine("Every copy uses the same weights and biases:");
                    o.WriteLine($"  W_ir = {Format(P("rnn.weight_ih_l0", 0))}, W_iz = {Format(P("rnn.weight_ih_l0", 1))}, W_in = {Format(P("rnn.weight_ih_l0", 2))} (rnn.weight_ih_l0)");
                    o.WriteLine($"  W_hr = {Format(P("rnn.weight_hh_l0", 0))}, W_hz = {Format(P("rnn.weight_hh_l0", 1))}, W_hn = {Format(P("rnn.weight_hh_l0", 2))} (rnn.weight_hh_l0)");
                    o.WriteLine($"  b_r = {Format(Bias(0))}, b_z = {Format(Bias(1))} (rnn.bias_ih_l0 + rnn.bias_hh_l0), b_in = {Format(P("rnn.bias_ih_l0", 2))} (rnn.bias_ih_l0), b_hn = {Format(P("rnn.bias_hh_l0", 2))} (rnn.bias_hh_l0)");
                    o.WriteLine($"  w_out = {Format(P("head.weight"))} (head.weight), b_out = {Format(P("head.bias"))} (head.bias)");
                    break;
            }
        }
        else
        {
            o.WriteLine($"Each copy computes, per layer, with x the layer's input (the layer below's h above the first) and {(s.Cell == CellKind.Lstm ? "h', c'" : "h'")} what the previous copy passed on (⊙ multiplies unit by unit):");
            foreach (var line in VectorEquations(s.Cell)) o.WriteLine("  " + line);
            o.WriteLine("  output = head.weight · h + head.bias, on the top layer's h");
            o.WriteLine("Every copy uses the same weights and biases: " + string.Join(", ", network.Parameters.Select(p => $"{p.Name} ({string.Join("×", p.Shape)})")) + ".");
        }
        o.WriteLine();
    }

    internal static IReadOnlyList<string> VectorEquations(CellKind cell) => cell switch
    {
        CellKind.RnnRelu => ["a = W_ih·x + b_ih + W_hh·h' + b_hh,   h = max(0, a)"],
        CellKind.RnnTanh => ["a = W_ih·x + b_ih + W_hh·h' + b_hh,   h = tanh(a)"],
        CellKind.Lstm =>
        [
            "i, f, g, o = σ, σ, tanh, σ of the blocks of W_ih·x + b_ih + W_hh·h' + b_hh",
            "c = f ⊙ c' + i ⊙ g,   h = o ⊙ tanh(c)",
        ],
        CellKind.Gru =>
        [
            "r, z = σ of the blocks of W_ih·x + b_ih + W_hh·h' + b_hh",
            "n = tanh(W_in·x + b_in + r ⊙ (W_hn·h' + b_hn)),   h = (1 − z) ⊙ n + z ⊙ h'",
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(cell), cell, null),
    };

    private static void WriteTrace(TextWriter o, RecurrentNetwork<double> network, UnrolledTrace trace)
    {
        var s = network.Shape;
        int length = trace.Length;
        for (int t = 0; t < length; t++)
        {
            var first = trace.Layers[0][t];
            bool last = t == length - 1;
            var state = s.Cell == CellKind.Lstm ? "previous h, c" : s.Cell is CellKind.Gru ? "previous h" : IsOneUnit(s) ? "previous y" : "previous h";
            var from = t == 0 ? "(the first copy starts from 0)" : $"(from copy {t})";
            var previous = IsOneUnit(s)
                ? s.Cell == CellKind.Lstm
                    ? $"previous h = {Format(first.PreviousHidden[0])}, previous c = {Format(first.PreviousCell![0])}"
                    : $"{state} = {Format(first.PreviousHidden[0])}"
                : t == 0 ? $"{state} = 0" : state;
            o.WriteLine($"Copy {t + 1} of {length}: input {Vector(first.Input)}; {previous} {from}");
            if (IsOneUnit(s)) WriteOneUnitStep(o, network, first);
            else
                for (int l = 0; l < s.Layers; l++)
                    WriteTable(o, s, trace.Layers[l][t], s.Layers > 1 ? $"layer {l + 1} of {s.Layers}" : "unit");
            var outputText = IsOneUnit(s)
                ? $"{Format(first.Hidden[0])} × {Format(network["head.weight"].Value[0])} + {Format(network["head.bias"].Value[0])} = {Format(trace.Outputs[t][0])}"
                : Vector(trace.Outputs[t]);
            o.WriteLine($"  {"output",-12}{outputText}   {(last ? "← the prediction for tomorrow" : "ignored: only the last copy's output is the prediction")}");
            o.WriteLine();
        }
    }

    private static void WriteOneUnitStep(TextWriter o, RecurrentNetwork<double> network, UnrolledStep step)
    {
        double P(string name, int index = 0) => network[name].Value[index];
        double Bias(int gate) => P("rnn.bias_ih_l0", gate) + P("rnn.bias_hh_l0", gate);
        string x = Format(step.Input[0]), hPrev = Format(step.PreviousHidden[0]);
        string Sum(int gate) => $"{x} × {Format(P("rnn.weight_ih_l0", gate))} + {hPrev} × {Format(P("rnn.weight_hh_l0", gate))} + {Format(Bias(gate))}";
        void Line(string label, string text) => o.WriteLine($"  {label,-12}{text}");
        switch (network.Shape.Cell)
        {
            case CellKind.RnnRelu:
                Line("sum", $"{Sum(0)} = {Format(step.PreActivation[0])}");
                Line("activation", $"max(0, {Format(step.PreActivation[0])}) = {Format(step.Hidden[0])}");
                break;
            case CellKind.RnnTanh:
                Line("sum", $"{Sum(0)} = {Format(step.PreActivation[0])}");
                Line("activation", $"tanh({Format(step.PreActivation[0])}) = {Format(step.Hidden[0])}");
                break;
            case CellKind.Lstm:
                string[] labels = ["input gate", "forget gate", "candidate", "output gate"];
                string[] names = ["i", "f", "g", "o"];
                for (int k = 0; k < 4; k++)
                    Line(labels[k], $"{names[k]} = {(k == 2 ? "tanh" : "σ")}({Sum(k)}) = {(k == 2 ? "tanh" : "σ")}({Format(step.PreActivation[k])}) = {Format(step.Gates[k])}");
                Line("cell", $"c = f × c' + i × g = {Format(step.Gates[1])} × {Format(step.PreviousCell![0])} + {Format(step.Gates[0])} × {Format(step.Gates[2])} = {Format(step.Cell![0])}");
                Line("hidden", $"h = o × tanh(c) = {Format(step.Gates[3])} × tanh({Format(step.Cell[0])}) = {Format(step.Hidden[0])}");
                break;
            case CellKind.Gru:
                Line("reset gate", $"r = σ({Sum(0)}) = σ({Format(step.PreActivation[0])}) = {Format(step.Gates[0])}");
                Line("update gate", $"z = σ({Sum(1)}) = σ({Format(step.PreActivation[1])}) = {Format(step.Gates[1])}");
                Line("candidate", $"n = tanh({x} × {Format(P("rnn.weight_ih_l0", 2))} + {Format(P("rnn.bias_ih_l0", 2))} + {Format(step.Gates[0])} × ({hPrev} × {Format(P("rnn.weight_hh_l0", 2))} + {Format(P("rnn.bias_hh_l0", 2))})) = tanh({Format(step.PreActivation[2])}) = {Format(step.Gates[2])}");
                Line("hidden", $"h = (1 − z) × n + z × h' = (1 − {Format(step.Gates[1])}) × {Format(step.Gates[2])} + {Format(step.Gates[1])} × {hPrev} = {Format(step.Hidden[0])}");
                break;
        }
    }

    /// <summary>One layer of one copy as a table: a row per hidden unit, a column per gate and state.</summary>
    private static void WriteTable(TextWriter o, NetworkShape s, UnrolledStep step, string title)
    {
        int h = s.HiddenSize;
        var columns = new List<(string Name, Func<int, double> Value)>();
        switch (s.Cell)
        {
            case CellKind.RnnRelu or CellKind.RnnTanh:
                columns.Add(("W_ih·x+b_ih", u => step.InputTerm[u]));
                columns.Add(("W_hh·h'+b_hh", u => step.HiddenTerm[u]));
                columns.Add(("a", u => step.PreActivation[u]));
                columns.Add((s.Cell == CellKind.RnnRelu ? "h = max(0,a)" : "h = tanh(a)", u => step.Hidden[u]));
                break;
            case CellKind.Lstm:
                columns.AddRange(new[] { "i", "f", "g", "o" }.Select((name, k) => (name, (Func<int, double>)(u => step.Gates[k * h + u]))));
                columns.Add(("c'", u => step.PreviousCell![u]));
                columns.Add(("c", u => step.Cell![u]));
                columns.Add(("h", u => step.Hidden[u]));
                break;
            case CellKind.Gru:
                columns.AddRange(new[] { "r", "z", "n" }.Select((name, k) => (name, (Func<int, double>)(u => step.Gates[k * h + u]))));
                columns.Add(("h'", u => step.PreviousHidden[u]));
                columns.Add(("h", u => step.Hidden[u]));
                break;
        }
        // One fixed width for every number column, so that tables of every copy and layer line up.
        var cells = Enumerable.Range(0, h).Select(u => columns.Select(c => Format(c.Value(u), 5)).ToArray()).ToArray();
        var widths = columns.Select(c => Math.Max(c.Name.Length, 11)).ToArray();
        int labelWidth = Math.Max("layer 10 of 10".Length, $"unit {h}".Length);
        o.WriteLine("  " + title.PadRight(labelWidth) + string.Concat(columns.Select((c, k) => "  " + c.Name.PadLeft(widths[k]))));
        for (int u = 0; u < h; u++)
            o.WriteLine("  " + $"unit {u + 1}".PadRight(labelWidth) + string.Concat(cells[u].Select((v, k) => "  " + v.PadLeft(widths[k]))));
    }
}
