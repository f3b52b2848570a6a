// Glossary: I inputs of a layer, H hidden units, G gates (1 RNN, 4 LSTM, 3 GRU), O outputs.
// The values come from the engine's own forward pass (ForwardPass tape); only the two terms of each sum
// (W_ih·x + b_ih and W_hh·h' + b_hh), which the engine adds without keeping, are recomputed here for display.
using System.Numerics;

namespace Unroll.Core.Analysis;

/// <summary>One unrolled copy of one layer: what went in, the sums, every gate, and what came out.</summary>
/// <param name="Step">The step, from 0 (the oldest input).</param>
/// <param name="Input">x, this layer's input at this step: (I).</param>
/// <param name="PreviousHidden">h', the hidden state the copy received from the copy before (zeros at the first): (H).</param>
/// <param name="PreviousCell">c', the LSTM cell state received from the copy before: (H); null for other cells.</param>
/// <param name="InputTerm">W_ih·x + b_ih, gate blocks side by side: (G·H).</param>
/// <param name="HiddenTerm">W_hh·h' + b_hh, gate blocks side by side: (G·H).</param>
/// <param name="PreActivation">
/// What each activation is applied to: (G·H). RNN and LSTM: InputTerm + HiddenTerm. GRU: the same for r and z,
/// and InputTerm + r ⊙ HiddenTerm for n (the reset multiplies the whole hidden term).
/// </param>
/// <param name="Gates">
/// The activated values, from the engine: (G·H). RNN: h itself; LSTM: [i | f | g | o]; GRU: [r | z | n].
/// </param>
/// <param name="Hidden">h, this copy's hidden state (its output to the next copy and the layer above): (H).</param>
/// <param name="Cell">c, the LSTM cell state: (H); null for other cells.</param>
public sealed record UnrolledStep(int Step, double[] Input, double[] PreviousHidden, double[]? PreviousCell,
    double[] InputTerm, double[] HiddenTerm, double[] PreActivation, double[] Gates, double[] Hidden, double[]? Cell);

/// <summary>
/// The unrolled computation of one sequence, copy by copy: every layer's sums, gates and states at every step,
/// and the head's output at every step. Only the last output is the prediction; the earlier ones are what an
/// unrolled network computes and ignores. Every copy uses the same weights and biases.
/// </summary>
public sealed class UnrolledTrace
{
    private UnrolledTrace(NetworkShape shape, IReadOnlyList<IReadOnlyList<UnrolledStep>> layers, IReadOnlyList<double[]> outputs)
    {
        Shape = shape;
        Layers = layers;
        Outputs = outputs;
    }

    /// <summary>The architecture that ran.</summary>
    public NetworkShape Shape { get; }

    /// <summary>The number of steps (unrolled copies).</summary>
    public int Length => Outputs.Count;

    /// <summary>Per layer (lowest first), per step (oldest first): what the copy computed.</summary>
    public IReadOnlyList<IReadOnlyList<UnrolledStep>> Layers { get; }

    /// <summary>The head applied to the top layer's h at every step: (length) vectors of O. The last is the prediction.</summary>
    public IReadOnlyList<double[]> Outputs { get; }

    /// <summary>The prediction: the head's output at the last step.</summary>
    public double[] Prediction => Outputs[^1];

    /// <summary>The names of a cell's gate blocks in the order they are stored: RNN [a], LSTM [i, f, g, o], GRU [r, z, n].</summary>
    public static IReadOnlyList<string> GateNames(CellKind cell) => cell switch
    {
        CellKind.RnnRelu or CellKind.RnnTanh => ["a"],
        CellKind.Lstm => ["i", "f", "g", "o"],
        CellKind.Gru => ["r", "z", "n"],
        _ => throw new ArgumentOutOfRangeException(nameof(cell), cell, null),
    };

    /// <summary>Runs <paramref name="network"/> over one sequence and records every copy.</summary>
    /// <param name="network">The network (its parameters are only read).</param>
    /// <param name="sequence">The steps, oldest first, each I features.</param>
    /// <exception cref="ArgumentException">The sequence is empty or a step has the wrong number of features.</exception>
    public static UnrolledTrace Record<T>(RecurrentNetwork<T> network, IReadOnlyList<T[]> sequence) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(sequence);
        var shape = network.Shape;
        var pass = network.Forward(network.Pack([sequence]));
        int length = sequence.Count, h = shape.HiddenSize, gh = shape.GateRows, o = shape.OutputSize;
        bool lstm = shape.Cell == CellKind.Lstm, gru = shape.Cell == CellKind.Gru;

        var layers = new List<IReadOnlyList<UnrolledStep>>();
        double[][] input = sequence.Select(ToDouble).ToArray();     // (length) × (I): this layer's x per step
        for (int l = 0; l < shape.Layers; l++)
        {
            double[] wih = ToDouble(network[$"rnn.weight_ih_l{l}"].Value), whh = ToDouble(network[$"rnn.weight_hh_l{l}"].Value);
            double[] bih = ToDouble(network[$"rnn.bias_ih_l{l}"].Value), bhh = ToDouble(network[$"rnn.bias_hh_l{l}"].Value);
            double[] gates = ToDouble(pass.GatesOf(l, 0)), hidden = ToDouble(pass.HiddenOf(l, 0));   // (length × GH), (length × H)
            double[]? cell = lstm ? ToDouble(pass.CellOf(l, 0)) : null;
            double[] hPrev = ToDouble(pass.InitialHiddenOf(l, 0));
            double[]? cPrev = lstm ? ToDouble(pass.InitialCellOf(l, 0)) : null;
            var steps = new UnrolledStep[length];
            for (int t = 0; t < length; t++)
            {
                var x = input[t];
                var inputTerm = Affine(wih, bih, x, gh);           // (GH) W_ih·x + b_ih
                var hiddenTerm = Affine(whh, bhh, hPrev, gh);      // (GH) W_hh·h' + b_hh
                var gatesT = gates.AsSpan(t * gh, gh).ToArray();
                var pre = new double[gh];
                if (shape.Cell is CellKind.RnnRelu or CellKind.RnnTanh)
                {
                    pre = gatesT;                                  // the engine keeps the pre-activation for Elman
                    gatesT = hidden.AsSpan(t * h, h).ToArray();
                }
                else
                {
                    for (int k = 0; k < gh; k++) pre[k] = inputTerm[k] + hiddenTerm[k];
                    if (gru)
                        for (int u = 0; u < h; u++) pre[2 * h + u] = inputTerm[2 * h + u] + gatesT[u] * hiddenTerm[2 * h + u];
                }
                var hT = hidden.AsSpan(t * h, h).ToArray();
                var cT = cell?.AsSpan(t * h, h).ToArray();
                steps[t] = new UnrolledStep(t, x, hPrev, cPrev, inputTerm, hiddenTerm, pre, gatesT, hT, cT);
                hPrev = hT;
                cPrev = cT;
            }
            layers.Add(steps);
            input = steps.Select(s => s.Hidden).ToArray();
        }

        var stepOutputs = ToDouble(network.StepOutputs(pass, 0));  // (length × O)
        var outputs = Enumerable.Range(0, length).Select(t => stepOutputs.AsSpan(t * o, o).ToArray()).ToArray();
        return new UnrolledTrace(shape, layers, outputs);
    }

    // (rows) = W·v + b with W (rows × v.Length), accumulated left to right as written.
    private static double[] Affine(double[] weight, double[] bias, double[] v, int rows)
    {
        var result = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int k = 0; k < v.Length; k++) sum += weight[r * v.Length + k] * v[k];
            result[r] = sum + bias[r];
        }
        return result;
    }

    private static double[] ToDouble<T>(T[] values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = double.CreateChecked(values[i]);
        return result;
    }
}
