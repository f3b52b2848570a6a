// Glossary: B sequences, N total steps (packed rows), H hidden, G gates, I inputs, O outputs.
using System.Numerics;

namespace Unroll.Core.Training;

/// <summary>Where a non-finite value (NaN or ±∞) first appears in a training step, in the order the step computes.</summary>
/// <param name="Tensor">What holds it: a parameter's name, "input", a layer's "gates", "c" (LSTM cell state),
/// "n term" (GRU W_hn·h' + b_hn), "h" (hidden state), "output", or "gradient of" a parameter.</param>
/// <param name="Layer">The layer (from 0), for values computed inside one.</param>
/// <param name="Step">The time step (from 1), for values computed at one.</param>
/// <param name="Sequence">The sequence of the batch (from 0, in the order given), for values of one sequence.</param>
/// <param name="Value">The value found.</param>
public sealed record NonFiniteValue(string Tensor, int? Layer, int? Step, int? Sequence, double Value)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var where = new List<string>();
        if (Layer is int l) where.Add($"layer {l}");
        if (Step is int t) where.Add($"time step {t}");
        if (Sequence is int s) where.Add($"sequence {s} of the batch");
        return $"{Value} in {Tensor}" + (where.Count > 0 ? $" ({string.Join(", ", where)})" : "");
    }
}

/// <summary>
/// Finds the first non-finite value of one training step by running it again with every intermediate kept: the
/// weights, the input, each layer's gates, cell and hidden state step by step, the outputs, the loss gradient, and
/// the parameter gradients. Slow (a fresh pass, every value scanned); meant for diagnosing a step that failed.
/// </summary>
public static class NumericsProbe
{
    /// <summary>The first non-finite value of a forward and backward pass of <paramref name="network"/> over
    /// <paramref name="batch"/> against <paramref name="targets"/> with <paramref name="loss"/>; null if all are finite.
    /// The network's gradients are overwritten; its weights are not changed.</summary>
    public static NonFiniteValue? FindFirst<T>(RecurrentNetwork<T> network, SequenceBatch<T> batch, ReadOnlySpan<T> targets,
        LossKind loss = LossKind.MeanSquared, double huberDelta = 1.0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var p in network.Parameters)
            if (First(p.Value) is int k) return new NonFiniteValue(p.Name, null, null, null, double.CreateChecked(p.Value[k]));

        int inputs = batch.InputSize;
        if (ScanSteps(batch.Packed, inputs, batch, "input", null) is { } badInput) return badInput;

        var pass = network.Forward(batch);
        var shape = network.Shape;
        for (int l = 0; l < shape.Layers; l++)
        {
            // In the order one step computes them: the gate pre-activations or activations, then c (LSTM) or the
            // n term (GRU), then h.
            for (int t = 0; t < batch.MaxLength; t++)
            {
                if (ScanStep(pass.Gates[l], shape.GateRows, batch, t, shape.Cell.GateCount() == 1 ? "pre-activation a" : "gates", l) is { } g) return g;
                if (shape.Cell == CellKind.Lstm && ScanStep(pass.Cell[l], shape.HiddenSize, batch, t, "c (cell state)", l) is { } c) return c;
                if (shape.Cell == CellKind.Gru && ScanStep(pass.HiddenN[l], shape.HiddenSize, batch, t, "n term (W_hn·h' + b_hn)", l) is { } n) return n;
                if (ScanStep(pass.Hidden[l], shape.HiddenSize, batch, t, "h (hidden state)", l) is { } h) return h;
            }
        }
        int o = shape.OutputSize;
        if (First(pass.Outputs) is int bad)
            return new NonFiniteValue("output", null, null, bad / o, double.CreateChecked(pass.Outputs[bad]));

        var dOut = new T[pass.Outputs.Length];
        var lossValue = Losses.Compute(loss, pass.Outputs, targets, dOut, huberDelta);
        if (!T.IsFinite(lossValue)) return new NonFiniteValue("loss", null, null, null, double.CreateChecked(lossValue));
        if (First(dOut) is int d) return new NonFiniteValue("gradient of the loss", null, null, d / o, double.CreateChecked(dOut[d]));
        network.ZeroGradients();
        network.Backward(pass, dOut);
        foreach (var p in network.Parameters)
            if (First(p.Gradient) is int k) return new NonFiniteValue($"gradient of {p.Name}", null, null, null, double.CreateChecked(p.Gradient[k]));
        return null;
    }

    // (N × width) packed rows: every step in time order.
    private static NonFiniteValue? ScanSteps<T>(ReadOnlySpan<T> packed, int width, SequenceBatch<T> batch, string tensor, int? layer)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int t = 0; t < batch.MaxLength; t++)
            if (ScanStep(packed, width, batch, t, tensor, layer) is { } found) return found;
        return null;
    }

    // The rows of step t: (b_t × width) starting at packed row Offsets[t], sorted order.
    private static NonFiniteValue? ScanStep<T>(ReadOnlySpan<T> packed, int width, SequenceBatch<T> batch, int t, string tensor, int? layer)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = batch.BatchSizes[t];
        var span = packed.Slice(batch.Offsets[t] * width, rows * width);
        if (First(span) is not int k) return null;
        return new NonFiniteValue(tensor, layer, t + 1, batch.SortedToInput[k / width], double.CreateChecked(span[k]));
    }

    private static int? First<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
            if (!T.IsFinite(values[i])) return i;
        return null;
    }
}
