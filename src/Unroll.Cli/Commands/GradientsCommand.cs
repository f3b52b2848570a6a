using System.CommandLine;
using System.Text.Json;
using Unroll.Charts;
using Unroll.Core;
using Unroll.Core.Analysis;
using Unroll.Core.Io;
using static Unroll.Cli.Svg.NumberText;

namespace Unroll.Cli.Commands;

/// <summary>
/// `unroll gradients`: vanishing and exploding gradients measured. For every length T from 1 to N, the gradient of
/// the last output with respect to the first input and the gradient norm of each parameter group, for the one-unit
/// example with a chosen recurrent weight, for a randomly initialised cell, or for every cell side by side.
/// </summary>
internal static class GradientsCommand
{
    /// <summary>The longest --steps: each length is its own forward and backward pass, so the work grows as N².</summary>
    public const int MaxSteps = 1000;

    private const double W1 = GradientRuns.W1, W3 = GradientRuns.W3;

    private sealed record Run(string Name, GradientFlowReport Report);

    public static Command Create(CliContext context)
    {
        var cell = new Option<string?>("--cell") { Description = "Cell of a randomly initialised network: rnn_relu, rnn_tanh, lstm or gru" };
        var w2 = Options.OptionalNumber("--w2", "Use the one-unit ReLU example (w1 = 1.8, w3 = 1.1, biases 0, every input 1) with this recurrent weight: its first-input gradient is w1·w2^(T−1)·w3");
        var hidden = Options.OptionalCount("--hidden", "Hidden units of the random network (default 16)", max: 1024);
        var steps = Options.RequiredCount("--steps", $"Measure every sequence length T from 1 to N (at most {MaxSteps})", max: MaxSteps);
        var compare = new Option<bool>("--compare") { Description = "Run rnn_relu, rnn_tanh, lstm and gru of the same hidden size, randomly initialised with the same seed, side by side" };
        var forgetBias = Options.OptionalNumber("--forget-bias", "LSTM and GRU: set the bias of the gate that keeps the old state (LSTM forget gate f, GRU update gate z) to this value, as the forget-gate-bias initialisation does; an open gate lets the gradient through");
        var seed = Options.Seed("Seed of the random weights and inputs", 0);
        var json = new Option<bool>("--json") { Description = "Print {\"lengths\": [...], \"first_input_gradient\": [...], \"parameter_gradient_norms\": {group: [...]}} instead of tables" };
        var svg = new Option<string?>("--svg") { Description = "Also plot the gradients on a log scale to this SVG file" };
        var command = new Command("gradients", "Measure vanishing and exploding gradients: for every sequence length, how much the last output depends on the first input, and the gradient norm of each parameter group")
            { cell, w2, hidden, steps, compare, forgetBias, seed, json, svg };
        command.SetAction(parse =>
        {
            string? cellName = parse.GetValue(cell), svgPath = parse.GetValue(svg);
            double? recurrent = parse.GetValue(w2);
            int? hiddenSize = parse.GetValue(hidden);
            int n = parse.GetValue(steps), seedValue = parse.GetValue(seed);
            bool sideBySide = parse.GetValue(compare);
            double? keepBias = parse.GetValue(forgetBias);

            CellKind? kind = null;
            if (cellName is not null)
                kind = Arguments.Cell(cellName);
            if (recurrent is not null)
            {
                if (sideBySide) throw new UserError("--w2 sets the one-unit example's recurrent weight and --compare runs random networks: use one or the other");
                if (kind is not (null or CellKind.RnnRelu))
                    throw new UserError($"--w2 sets the recurrent weight of the one-unit ReLU example, not of a {kind.Value.ToName()}: drop --cell {cellName} or drop --w2");
                if (hiddenSize is not (null or 1))
                    throw new UserError($"--w2 uses the one-unit example, so --hidden {hiddenSize} does not apply: drop --hidden or drop --w2");
                if (keepBias is not null)
                    throw new UserError("--forget-bias applies to LSTM and GRU gates, and --w2 uses the one-unit ReLU example: drop one of them");
            }
            else if (sideBySide)
            {
                if (kind is not null) throw new UserError($"--compare runs every cell side by side, so --cell {cellName} does not apply: drop one of them");
            }
            else if (kind is null)
                throw new UserError("say what to measure: --cell rnn_relu|rnn_tanh|lstm|gru (a random network), --w2 X (the one-unit example) or --compare (every cell)");
            else if (keepBias is not null && kind is not (CellKind.Lstm or CellKind.Gru))
                throw new UserError($"--forget-bias sets an LSTM or GRU gate's bias; a {kind.Value.ToName()} has no gates: use --cell lstm or --cell gru, or drop --forget-bias");
            new OutputGuard().File("--svg", svgPath, "gradients.svg", OutputKind.Svg).Check();

            int h = hiddenSize ?? 16;
            string description;
            List<Run> runs;
            if (recurrent is double w)
            {
                runs = [new Run("rnn_relu", GradientRuns.Example(w, n))];
                description = $"The one-unit ReLU example with w1 = {Format(W1)}, w2 = {Format(w)}, w3 = {Format(W3)}, biases 0, every input 1.";
            }
            else
            {
                var inputs = GradientRuns.RandomInputs(n, seedValue);
                var kinds = sideBySide ? Enum.GetValues<CellKind>() : [kind!.Value];
                runs = kinds.Select(c => new Run(c.ToName(), GradientFlow.Measure(GradientRuns.RandomNetwork(c, h, seedValue, keepBias), inputs))).ToList();
                description = $"{(sideBySide ? "Each cell" : kind!.Value.ToName())} with {h} hidden unit{(h == 1 ? "" : "s")}, initialised as PyTorch does (uniform in ±1/√{h}, seed {seedValue})"
                    + (keepBias is double b ? $", then the LSTM forget gate's and GRU update gate's bias set to {Format(b)}" : "") + "; inputs uniform in [0, 1).";
            }

            if (parse.GetValue(json)) WriteJson(context.Out, runs, sideBySide);
            else WriteTables(context.Out, runs, description, recurrent);
            if (svgPath is not null)
            {
                AtomicFile.WriteText(svgPath, Plot(runs, description, recurrent));
                if (!parse.GetValue(json)) context.Out.WriteLine($"Plotted to {svgPath}.");
            }
            return UnrollCli.Ok;
        });
        return command;
    }

    private static void WriteJson(TextWriter output, List<Run> runs, bool sideBySide)
    {
        using var stream = new MemoryStream();
        var numbers = new JsonNumbers();      // an exploding gradient past T ≈ 1000 is beyond double: null, said in "notes"
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartArray("lengths");
            foreach (var t in runs[0].Report.Lengths) json.WriteNumberValue(t);
            json.WriteEndArray();
            if (sideBySide)
            {
                json.WriteStartObject("cells");
                foreach (var run in runs)
                {
                    json.WriteStartObject(run.Name);
                    WriteReport(json, run.Report, numbers, $"cells.{run.Name}.");
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            else WriteReport(json, runs[0].Report, numbers, "");
            numbers.WriteNotes(json);
            json.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteReport(Utf8JsonWriter json, GradientFlowReport report, JsonNumbers numbers, string prefix)
    {
        json.WriteStartArray("first_input_gradient");
        foreach (var g in report.FirstInputGradient) numbers.Write(json, g[0], prefix + "first_input_gradient");
        json.WriteEndArray();
        json.WriteStartObject("parameter_gradient_norms");
        foreach (var (group, norms) in report.ParameterGradientNorms)
        {
            json.WriteStartArray(group);
            foreach (var v in norms) numbers.Write(json, v, $"{prefix}parameter_gradient_norms.{group}");
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    private static void WriteTables(TextWriter o, List<Run> runs, string description, double? w2)
    {
        o.WriteLine(description);
        o.WriteLine("For each sequence length T: ∂y_T/∂x_1, the gradient of the last output with respect to the first input"
            + (w2 is not null ? " (here w1·w2^(T−1)·w3 while every ReLU stays active)," : ","));
        o.WriteLine("and the norm of the gradient of L = the last output for each parameter group (any loss of the last output scales them all alike).");
        o.WriteLine();
        if (runs.Count == 1)
        {
            var report = runs[0].Report;
            var columns = new List<(string Name, Func<int, double> Value)>
            {
                ("∂y_T/∂x_1", i => report.FirstInputGradient[i][0]),
                ("÷ at T = 1", i => Ratio(report, i)),
            };
            columns.AddRange(GradientFlow.Groups.Select(g => ($"|∇ {g}|", (Func<int, double>)(i => report.ParameterGradientNorms[g][i]))));
            WriteTable(o, report.Lengths, columns);
            o.WriteLine();
            o.WriteLine(Summary(runs[0], w2));
            return;
        }
        o.WriteLine("∂y_T/∂x_1 per cell:");
        WriteTable(o, runs[0].Report.Lengths, runs.Select(r => (r.Name, (Func<int, double>)(i => r.Report.FirstInputGradient[i][0]))).ToList());
        o.WriteLine();
        o.WriteLine("|∇ weight_hh|, the gradient norm of the recurrent weights, per cell:");
        WriteTable(o, runs[0].Report.Lengths, runs.Select(r => (r.Name, (Func<int, double>)(i => r.Report.ParameterGradientNorms["weight_hh"][i]))).ToList());
        o.WriteLine();
        foreach (var run in runs) o.WriteLine(Summary(run, null));
    }

    private static double Ratio(GradientFlowReport report, int i) => report.FirstInputGradient[i][0] / report.FirstInputGradient[0][0];

    private static string Summary(Run run, double? w2) => GradientRuns.Summary(run.Name, run.Report, w2, "--steps");

    private static void WriteTable(TextWriter o, int[] lengths, List<(string Name, Func<int, double> Value)> columns)
    {
        var cells = lengths.Select((_, i) => columns.Select(c => Format(c.Value(i))).ToArray()).ToArray();
        var widths = columns.Select((c, k) => Math.Max(c.Name.Length, cells.Max(row => row[k].Length))).ToArray();
        int tWidth = Math.Max(1, lengths[^1].ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        o.WriteLine("  " + "T".PadLeft(tWidth) + string.Concat(columns.Select((c, k) => "  " + c.Name.PadLeft(widths[k]))));
        for (int i = 0; i < lengths.Length; i++)
            o.WriteLine("  " + lengths[i].ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(tWidth)
                + string.Concat(cells[i].Select((v, k) => "  " + v.PadLeft(widths[k]))));
    }

    // The line at 1 on each panel, said in words: above it the gradient magnifies, below it it shrinks.
    private static readonly PlotReference InputGain = new(1, "1: the output moves as much as the first input");
    private static readonly PlotReference UnitNorm = new(1, "‖∇‖ = 1");

    private static string Plot(List<Run> runs, string description, double? w2)
    {
        var lengths = runs[0].Report.Lengths;
        List<PlotPanel> panels;
        string title;
        if (runs.Count == 1)
        {
            var report = runs[0].Report;
            title = w2 is double w
                ? $"Gradients through time, one-unit ReLU example with w2 = {Format(w)}"
                : $"Gradients through time, {runs[0].Name}";
            panels =
            [
                new PlotPanel("First-input gradient |∂y_T/∂x_1|", "|∂y_T/∂x_1|", w2 is double w2Line
                    ?
                    [
                        new PlotSeries("measured by backpropagation through time", LogPlot.Colors[0], report.FirstInputGradient.Select(g => g[0]).ToArray()),
                        new PlotSeries("w1·w2^(T−1)·w3", "#222", GradientRuns.ExampleReference(w2Line, report.Lengths.Length), LineDash.Dashed),
                    ]
                    : [new PlotSeries(runs[0].Name, LogPlot.Colors[0], report.FirstInputGradient.Select(g => g[0]).ToArray())], InputGain),
                new PlotPanel("Gradient norm of each parameter group", "‖∇‖ of L = last output",
                    GradientFlow.Groups.Select((g, k) => new PlotSeries(g, LogPlot.Colors[k], report.ParameterGradientNorms[g])).ToList(), UnitNorm),
            ];
        }
        else
        {
            title = "Which gradients survive long sequences: RNN, LSTM and GRU side by side";
            panels =
            [
                new PlotPanel("First-input gradient |∂y_T/∂x_1|", "|∂y_T/∂x_1|",
                    runs.Select((r, k) => new PlotSeries(r.Name, LogPlot.Colors[k], r.Report.FirstInputGradient.Select(g => g[0]).ToArray())).ToList(), InputGain),
                new PlotPanel("Gradient norm of the recurrent weights W_hh", "‖∇ weight_hh‖ of L = last output",
                    runs.Select((r, k) => new PlotSeries(r.Name, LogPlot.Colors[k], r.Report.ParameterGradientNorms["weight_hh"])).ToList(), UnitNorm),
            ];
        }
        var footer = (w2 is double w2Value
            ? $"|∂y_T/∂x_1| is how far the last output moves per unit of change in the first input. On a log scale w1·w2^(T−1)·w3 is a straight line whose slope is log10(|w2|) = {Format(Math.Log10(Math.Abs(w2Value)), 3)} decades per step: it explodes when |w2| > 1 and vanishes when |w2| < 1."
            : "|∂y_T/∂x_1| is how far the last output moves per unit of change in the first input. A straight falling line is a vanishing gradient (the same factor lost every step); a rising one explodes.")
            + " The weight_hh gradient is 0 at T = 1 (W_hh only multiplies h₀ = 0) and is drawn from T = 2.";
        return LogPlot.Draw(title, description, lengths, panels, "sequence length T (steps back to the first input)", footer);
    }
}
