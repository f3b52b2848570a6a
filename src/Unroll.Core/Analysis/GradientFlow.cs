// Glossary: T sequence length, N the longest length measured, I inputs, O outputs.
// Every number comes from the engine's own backward pass (RecurrentNetwork.Backward with InputGradient), in double.
namespace Unroll.Core.Analysis;

/// <summary>How gradients travel back through time, measured for every sequence length from 1 to N.</summary>
/// <param name="Lengths">The lengths T measured: 1, 2, …, N.</param>
/// <param name="FirstInputGradient">
/// For each T, ∂(last output)/∂(first input): (I) values, how much the prediction after T steps moves when the
/// oldest input moves. When it shrinks towards 0 as T grows the gradient vanishes; when it grows it explodes.
/// </param>
/// <param name="ParameterGradientNorms">
/// For each parameter group (see <see cref="GradientFlow.Groups"/>), for each T, the L2 norm of the gradient of the
/// loss L = the last output (dL/doutput = 1; any other loss of the last output multiplies all of these by its dL/doutput).
/// </param>
public sealed record GradientFlowReport(int[] Lengths, double[][] FirstInputGradient,
    IReadOnlyDictionary<string, double[]> ParameterGradientNorms);

/// <summary>
/// Measures vanishing and exploding gradients: for every length T from 1 to N, runs the network on the first T
/// steps, backpropagates dL/doutput = 1 from the last output through time, and records the gradient with respect
/// to the first input and the gradient norm of each parameter group.
/// </summary>
/// <remarks>
/// For the one-unit ReLU network with positive inputs (every ReLU active) the first-input gradient is exactly
/// w1·w2^(T−1)·w3; with w2 a power of two the engine's double arithmetic gives it without rounding.
/// </remarks>
public static class GradientFlow
{
    /// <summary>
    /// The parameter groups, in order: <c>weight_ih</c> (every <c>rnn.weight_ih_l*</c>), <c>weight_hh</c> (every
    /// <c>rnn.weight_hh_l*</c>, the recurrent weights the gradient passes through once per step), <c>bias</c>
    /// (every <c>rnn.bias_*</c>), <c>head</c> (<c>head.weight</c> and <c>head.bias</c>).
    /// </summary>
    public static IReadOnlyList<string> Groups { get; } = ["weight_ih", "weight_hh", "bias", "head"];

    /// <summary>The group of a parameter by its PyTorch name, e.g. <c>rnn.bias_hh_l0</c> → <c>bias</c>.</summary>
    public static string GroupOf(string parameterName)
    {
        ArgumentNullException.ThrowIfNull(parameterName);
        if (parameterName.StartsWith("head.", StringComparison.Ordinal)) return "head";
        if (parameterName.StartsWith("rnn.weight_ih", StringComparison.Ordinal)) return "weight_ih";
        if (parameterName.StartsWith("rnn.weight_hh", StringComparison.Ordinal)) return "weight_hh";
        if (parameterName.StartsWith("rnn.bias", StringComparison.Ordinal)) return "bias";
        throw new ArgumentException($"parameter '{parameterName}' belongs to no group: expected rnn.weight_ih_l*, rnn.weight_hh_l*, rnn.bias_*_l* or head.*");
    }

    /// <summary>Measures lengths 1 to <c>inputs.Count</c> on prefixes of <paramref name="inputs"/>.</summary>
    /// <param name="network">The network; it is not changed (the measurement runs on a copy).</param>
    /// <param name="inputs">The longest sequence, N steps of I features; length T uses its first T steps.</param>
    /// <exception cref="ArgumentException">No steps, or a step has the wrong number of features.</exception>
    public static GradientFlowReport Measure(RecurrentNetwork<double> network, IReadOnlyList<double[]> inputs)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0) throw new ArgumentException("the sequence has no steps: give at least one to measure lengths from 1");
        var copy = network.Clone();
        int n = inputs.Count, outputs = copy.Shape.OutputSize;
        var lengths = Enumerable.Range(1, n).ToArray();
        var first = new double[n][];
        var norms = Groups.ToDictionary(g => g, _ => new double[n]);
        var groupOf = copy.Parameters.Select(p => GroupOf(p.Name)).ToArray();
        var dOutput = Enumerable.Repeat(1.0, outputs).ToArray();    // (1 × O): dL/doutput = 1

        for (int t = 1; t <= n; t++)
        {
            var batch = copy.Pack([inputs.Take(t).ToList()]);
            copy.ZeroGradients();
            var pass = copy.Forward(batch);
            var back = copy.Backward(pass, dOutput, new BackwardOptions { InputGradient = true });
            first[t - 1] = back.InputGradientOf(0).AsSpan(0, copy.Shape.InputSize).ToArray();
            foreach (var group in Groups)
                norms[group][t - 1] = Norm(copy.Parameters.Where((_, k) => groupOf[k] == group).SelectMany(p => p.Gradient));
        }
        return new GradientFlowReport(lengths, first, norms);
    }

    /// <summary>
    /// The L2 norm, scaled by the largest magnitude first so that values beyond 1e154 (exploding gradients) do not
    /// overflow when squared; non-finite when any value is.
    /// </summary>
    public static double Norm(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = values as IReadOnlyList<double> ?? values.ToList();
        double scale = 0;
        foreach (var v in list)
        {
            if (!double.IsFinite(v)) return double.IsNaN(v) ? double.NaN : double.PositiveInfinity;
            scale = Math.Max(scale, Math.Abs(v));
        }
        if (scale == 0) return 0;
        double sum = 0;
        foreach (var v in list) sum += (v / scale) * (v / scale);
        return scale * Math.Sqrt(sum);
    }
}
