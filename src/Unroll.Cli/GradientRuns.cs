using Unroll.Core;
using Unroll.Core.Analysis;
using static Unroll.Cli.Svg.NumberText;

namespace Unroll.Cli;

/// <summary>
/// The networks and inputs that `unroll gradients` and the serve page's gradients API measure, and the one-line
/// verdict both print, so the command line and the browser say the same thing about the same numbers.
/// </summary>
internal static class GradientRuns
{
    /// <summary>The one-unit example's input and output weights; only w2 is chosen.</summary>
    public const double W1 = 1.8, W3 = 1.1;

    /// <summary>The one-unit ReLU example with recurrent weight <paramref name="w2"/>, measured on <paramref name="steps"/>
    /// inputs of 1: while every ReLU stays active its first-input gradient is w1·w2^(T−1)·w3.</summary>
    public static GradientFlowReport Example(double w2, int steps)
        => GradientFlow.Measure(Examples.StatQuest<double>(W1, w2, W3), Enumerable.Range(0, steps).Select(_ => new[] { 1.0 }).ToList());

    /// <summary>The reference line w1·w2^(T−1)·w3 for T = 1 … <paramref name="steps"/>.</summary>
    public static double[] ExampleReference(double w2, int steps)
        => Enumerable.Range(1, steps).Select(t => W1 * Math.Pow(w2, t - 1) * W3).ToArray();

    /// <summary>
    /// A network initialised as PyTorch does; with <paramref name="keepBias"/>, the total bias (b_ih + b_hh) of the
    /// gate that keeps the old state, LSTM f or GRU z, set to that value (b_ih = value, b_hh = 0).
    /// </summary>
    public static RecurrentNetwork<double> RandomNetwork(CellKind cell, int hidden, int seed, double? keepBias)
    {
        var network = RecurrentNetwork<double>.Create(new NetworkShape(cell, 1, hidden), seed);
        if (keepBias is double b && cell is CellKind.Lstm or CellKind.Gru)
        {
            int block = 1;                                          // LSTM [i | f | g | o], GRU [r | z | n]: f and z are both block 1
            Array.Fill(network["rnn.bias_ih_l0"].Value, b, block * hidden, hidden);
            Array.Fill(network["rnn.bias_hh_l0"].Value, 0.0, block * hidden, hidden);
        }
        return network;
    }

    /// <summary>The inputs every random network sees: N steps uniform in [0, 1), like prices scaled to low = 0, high = 1.</summary>
    public static List<double[]> RandomInputs(int steps, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, steps).Select(_ => new[] { random.NextDouble() }).ToList();
    }

    /// <summary>
    /// One line: how the first-input gradient at the longest length compares with T = 1, and whether it vanishes,
    /// explodes or survives. <paramref name="w2"/> (the one-unit example) adds w2^(T−1); otherwise the line starts with
    /// <paramref name="name"/> and gives the average factor per step. <paramref name="stepsSetting"/> names what measures
    /// more lengths (the CLI's --steps, the page's steps).
    /// </summary>
    public static string Summary(string name, GradientFlowReport report, double? w2, string stepsSetting)
    {
        int n = report.Lengths[^1];
        double first = report.FirstInputGradient[0][0], lastValue = report.FirstInputGradient[^1][0];
        var lead = w2 is null ? $"{name}: at" : "At";
        if (first == 0) return $"{lead} T = 1 the first-input gradient is already 0 (no unit is active), so there is nothing to compare.";
        if (n == 1) return $"{lead} T = 1 the first-input gradient is {Format(first)}; measure more {stepsSetting} to see how it changes with length.";
        double ratio = lastValue / first;
        var verdict = Verdict(ratio) switch
        {
            GradientVerdict.Explodes when !double.IsFinite(ratio) => "It exploded beyond the range of double.",
            GradientVerdict.Explodes => "It explodes.",
            GradientVerdict.Vanishes when ratio == 0 => "It vanished completely: a ReLU on the way switched off, and no gradient passes a switched-off ReLU.",
            GradientVerdict.Vanishes => "It vanishes: the first input barely reaches the prediction.",
            _ when Math.Abs(ratio) < 0.1 => "It survives, but fades: below 10⁻³ of its T = 1 value it would count as vanished, and longer sequences take it there.",
            _ when Math.Abs(ratio) > 10 => "It survives, but grows: beyond 10³ times its T = 1 value it would count as exploded, and longer sequences take it there.",
            _ => "It survives.",
        };
        var detail = w2 is double w
            ? $" (w2^{n - 1} = {(w < 0 ? $"({Format(w)})" : Format(w))}^{n - 1} = {Format(Math.Pow(w, n - 1), 17)})"
            : double.IsFinite(ratio) && ratio != 0 ? $", a factor {Format(Math.Pow(Math.Abs(ratio), 1.0 / (n - 1)), 3)} per step on average" : "";
        return $"{lead} T = {n} the first-input gradient is {Format(ratio, w2 is null ? 3 : 17)} times its T = 1 value{detail}. {verdict}";
    }

    /// <summary>What a ratio (first-input gradient at the longest length ÷ at T = 1) says: beyond 10³ or not finite
    /// it explodes, below 10⁻³ (or 0) it vanishes, otherwise it survives.</summary>
    public static GradientVerdict Verdict(double ratio)
        => !double.IsFinite(ratio) || Math.Abs(ratio) > 1e3 ? GradientVerdict.Explodes
        : Math.Abs(ratio) < 1e-3 ? GradientVerdict.Vanishes
        : GradientVerdict.Survives;
}

/// <summary>What happened to the first-input gradient over the lengths measured.</summary>
internal enum GradientVerdict
{
    /// <summary>It stayed within a factor 10³ of its T = 1 value.</summary>
    Survives,
    /// <summary>It fell below 10⁻³ of its T = 1 value.</summary>
    Vanishes,
    /// <summary>It grew beyond 10³ times its T = 1 value, or beyond double.</summary>
    Explodes,
}
