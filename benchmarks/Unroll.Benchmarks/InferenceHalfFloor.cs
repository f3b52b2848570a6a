// Glossary: the arithmetic floor of one thread's half of an LSTM inference whose batch runs in two halves of sequences
// (Infer's BatchHalves, W2 by default). b sequences in the half, I inputs, H hidden, L layers, T steps, J = I + H + 1 the
// joint row [x | h' | 1] (the first layer's I, later layers' H), GH = 4H gate columns.
//   product    gates (b × GH) = [x | h' | 1] (b × J) · [W_ih | W_hh | b]ᵀ packed, on this thread (the engine's call)
//   gate math  LstmCell.Forward over b × H units: σ of i, f, o, tanh of g and of c, c and h
//   floor      the products at this core's measured peak FMA rate, plus the gate math at the rate the same kernel runs
//              on a block of units small enough to stay in the L1 cache
using Unroll.Core.Cells;
using Unroll.Numerics;

namespace Unroll.Benchmarks;

/// <summary>
/// Times the two parts of one half of an LSTM inference on one thread, each on its own, beside what the same
/// arithmetic could take at best: the bound the half's time cannot go below with these kernels' exactness.
/// </summary>
public static class InferenceHalfFloor
{
    /// <summary>Prints the parts, their measured rates and the floor for a half of <paramref name="batch"/> sequences.</summary>
    public static void Run(TextWriter output, int batch = 32, int inputs = 8, int hidden = 128, int layers = 2, int steps = 50)
    {
        int gh = 4 * hidden;
        double peak = PeakFlops.Measure().SingleCoreGflops;
        output.WriteLine($"one thread's half: {batch} sequences, LSTM {inputs}→{hidden}×{layers}, {steps} steps");
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
        double SecondsPerVector(int rows)
        {
            float[] gates = GemmTimer.Fill(random, rows * gh), cPrev = GemmTimer.Fill(random, rows * hidden);
            float[] c = new float[rows * hidden], h = new float[rows * hidden];
            return GemmTimer.BestSeconds(() => LstmCell.Forward<float>(gates, cPrev, c, h, hidden, CellSimds.Best),
                rounds: 7, roundMilliseconds: 25) / (rows * hidden / 16.0);
        }

        double vectors = batch * hidden / 16.0, perVector = SecondsPerVector(batch);
        output.WriteLine($"gate math, {batch} × {hidden} units (LstmCell.Forward): {perVector * vectors * 1e6,7:F2} µs a step, " +
                         $"{perVector * 1e9:F2} ns per 16 units");
        int layerSteps = layers * steps;
        double cellMeasured = perVector * vectors * layerSteps;
        output.WriteLine($"half of {layerSteps} layer-steps: products {productsMeasured * 1e3:F3} ms measured, " +
                         $"{productsAtPeak * 1e3:F3} at the peak; gate math {cellMeasured * 1e3:F3} ms measured; the parts " +
                         $"{(productsMeasured + cellMeasured) * 1e3:F3} ms");
        // The same kernel on a block that stays in the L1 cache (8 rows: 28 KiB of gates, c', c and h against 48 KiB).
        const int rowsInL1 = 8;
        double fromL1 = SecondsPerVector(rowsInL1), cellFloor = fromL1 * vectors * layerSteps;
        output.WriteLine($"gate math on {rowsInL1} × {hidden} units, all in the L1 cache: {fromL1 * 1e9:F2} ns per 16 units, " +
                         $"{cellFloor * 1e3:F3} ms a half");
        output.WriteLine($"floor (products at the peak + gate math from the L1 cache): {(productsAtPeak + cellFloor) * 1e3:F3} ms");
    }
}
