// Glossary: the arithmetic floor of one thread's share of an LSTM inference that runs in two shares of sequences
// (Infer's split, W2 by default). b sequences in the share, I inputs, H hidden, L layers, T steps, J = I + H + 1 the
// joint row [x | h' | 1] (the first layer's I, later layers' H), GH = 4H gate columns.
//   product    gates (b × GH) = [x | h' | 1] (b × J) · [W_ih | W_hh | b]ᵀ packed, on this thread (the engine's call)
//   gate math  LstmCell.Forward over b × H units: σ of i, f, o, tanh of g and of c, c and h
//   floor      the products at this core's measured peak FMA rate, plus the gate math at the rate its own arithmetic
//              runs with every operand already in registers (no loads, no stores)
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Unroll.Core.Cells;
using Unroll.Numerics;

namespace Unroll.Benchmarks;

/// <summary>
/// Times the two parts of one share of an LSTM inference on one thread, each on its own, beside what the same
/// arithmetic could take at best: the bound the share's time cannot go below with these kernels' exactness.
/// </summary>
public static class InferenceShareFloor
{
    /// <summary>Prints the parts, their measured rates and the floor for a share of <paramref name="batch"/> sequences.</summary>
    public static void Run(TextWriter output, int batch = 32, int inputs = 8, int hidden = 128, int layers = 2, int steps = 50)
    {
        int gh = 4 * hidden;
        double peak = PeakFlops.Measure().SingleCoreGflops;
        output.WriteLine($"one thread's share: {batch} sequences, LSTM {inputs}→{hidden}×{layers}, {steps} steps " +
                         $"(W2's inference on two threads: 64 sequences in two shares)");
        output.WriteLine($"peak float32 FMA rate, one thread: {peak:F1} GFLOP/s");

        double productsMeasured = 0, productsAtPeak = 0;
        var random = new Random(1);
        for (int layer = 0; layer < layers; layer++)
        {
            int j = (layer == 0 ? inputs : hidden) + hidden + 1;
            var packed = new PackedMatrix<float>();
            packed.Pack(Transpose.Yes, gh, j, GemmTimer.Fill(random, gh * j), j);
            float[] rows = GemmTimer.Fill(random, batch * j), gates = new float[batch * gh];
            double seconds = GemmTimer.BestSeconds(() => packed.MultiplyOnThisThread(Transpose.No, batch, rows, j, gates, gh, accumulate: false),
                rounds: 7, roundMilliseconds: 25);
            double flops = 2.0 * batch * gh * j, atPeak = flops / (peak * 1e9);
            output.WriteLine($"layer {layer + 1} product {batch} × {gh} × {j}: {seconds * 1e6,7:F2} µs a step " +
                             $"({flops / seconds / 1e9:F1} GFLOP/s, {flops / seconds / 1e9 / peak:P0} of the peak); at the peak {atPeak * 1e6:F2} µs");
            productsMeasured += seconds * steps;
            productsAtPeak += atPeak * steps;
        }

        // The cell's float kernel activates the gates in place; its cost does not depend on the values (no branches),
        // so calling it again on gates it has already activated times the same work as the engine's step.
        float[] gateValues = GemmTimer.Fill(random, batch * gh), cPrev = GemmTimer.Fill(random, batch * hidden);
        float[] c = new float[batch * hidden], h = new float[batch * hidden];
        double cellSeconds = GemmTimer.BestSeconds(() => LstmCell.Forward<float>(gateValues, cPrev, c, h, hidden, CellSimds.Best),
            rounds: 7, roundMilliseconds: 25);
        double vectors = batch * hidden / 16.0;
        double perVector = cellSeconds / vectors;
        string registersLine = "registers only: not measured (needs AVX-512)";
        double registersPerVector = double.NaN;
        if (Vector512.IsHardwareAccelerated)
        {
            const int groups = 4096;
            double seconds = GemmTimer.BestSeconds(() => RegistersOnly(groups), rounds: 7, roundMilliseconds: 25);
            registersPerVector = seconds / groups;
            registersLine = $"registers only {registersPerVector * 1e9:F2} ns";
        }
        output.WriteLine($"gate math, {batch} × {hidden} units (LstmCell.Forward): {cellSeconds * 1e6,7:F2} µs a step, " +
                         $"{perVector * 1e9:F2} ns per 16 units; {registersLine}");

        int layerSteps = layers * steps;
        double cellMeasured = cellSeconds * layerSteps, cellFloor = registersPerVector * vectors * layerSteps;
        output.WriteLine($"share of {layerSteps} layer-steps: products {productsMeasured * 1e3:F3} ms measured, " +
                         $"{productsAtPeak * 1e3:F3} at the peak; gate math {cellMeasured * 1e3:F3} ms measured, {cellFloor * 1e3:F3} from registers");
        output.WriteLine($"floor (products at the peak + gate math from registers): {(productsAtPeak + cellFloor) * 1e3:F3} ms; " +
                         $"the parts as measured: {(productsMeasured + cellMeasured) * 1e3:F3} ms");
    }

    /// <summary>
    /// The LSTM forward's arithmetic for 16 units, <paramref name="groups"/> times: σ(i), σ(f), tanh(g), σ(o),
    /// c = f·c' + i·g, h = o·tanh(c), with every operand in registers. Four independent groups per iteration keep the
    /// core's pipelines full; the inputs move a little each time so that nothing is computed once and reused.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float RegistersOnly(int groups)
    {
        var i = Vector512.Create(-0.7f); var f = Vector512.Create(1.3f); var g = Vector512.Create(0.4f);
        var o = Vector512.Create(-2.1f); var cPrev = Vector512.Create(0.25f); var step = Vector512.Create(1e-7f);
        var sum0 = Vector512<float>.Zero; var sum1 = Vector512<float>.Zero;
        for (int n = 0; n < groups; n += 4)
        {
            var i1 = i + step; var i2 = i1 + step; var i3 = i2 + step;
            sum0 += Cell(i, f, g, o, cPrev) + Cell(i1, f, g, o, cPrev);
            sum1 += Cell(i2, f, g, o, cPrev) + Cell(i3, f, g, o, cPrev);
            i = i3 + step;
        }
        return Vector512.Sum(sum0 + sum1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Cell(Vector512<float> i, Vector512<float> f, Vector512<float> g, Vector512<float> o, Vector512<float> cPrev)
    {
        var c = FastMath.Sigmoid(f) * cPrev + FastMath.Sigmoid(i) * FastMath.Tanh(g);
        return FastMath.Sigmoid(o) * FastMath.Tanh(c);
    }
}
