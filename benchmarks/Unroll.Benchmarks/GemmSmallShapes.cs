// Glossary: the small and skinny products an RNN step issues (B batch, T steps, I inputs, H hidden, G gates),
// timed with a Stopwatch in seconds rather than BenchmarkDotNet's minutes: best of several rounds after a warm-up.
//   dWih  (GH, I)  += dGᵀ (GH, T·B) · X (T·B, I)     TN, skinny N when I = 1
//   dWhh  (GH, H)  += dGᵀ (GH, T·B) · h (T·B, H)     TN, long K
//   inputs (T·B, GH) = X (T·B, I) · Wihᵀ             NT, K = I = 1: an outer product
//   gates (B, GH)  += h (B, H) · Whhᵀ                NT, one row when B = 1
//   dh    (B, H)    = dG (B, GH) · Whh               NN
using Unroll.Numerics;

namespace Unroll.Benchmarks;

/// <summary>Times <see cref="Gemm.Multiply{T}"/> at the engine's small and skinny shapes, on one thread and on all.</summary>
public static class GemmSmallShapes
{
    /// <summary>
    /// The shapes: per-step products of the W1 (LSTM 1→32, T30, B64) and W4 (LSTM 1→64, T30, B1) workloads, with
    /// whether the engine adds to C (weight gradients, LSTM gates) or overwrites it.
    /// </summary>
    public static readonly (GemmShape Shape, bool Accumulate)[] Shapes =
    [
        (new("dWih I=1 TB=1920", Transpose.Yes, Transpose.No, 128, 1, 1920), true),
        (new("dWhh H=32 TB=1920", Transpose.Yes, Transpose.No, 128, 32, 1920), true),
        (new("inputs TB=1920 I=1", Transpose.No, Transpose.Yes, 1920, 128, 1), false),
        (new("dh B=64 H=32", Transpose.No, Transpose.No, 64, 32, 128), false),
        (new("gates B=1 H=32", Transpose.No, Transpose.Yes, 1, 128, 32), true),
        (new("gates B=1 H=64", Transpose.No, Transpose.Yes, 1, 256, 64), true),
        (new("dh B=1 H=64", Transpose.No, Transpose.No, 1, 64, 256), false),
        (new("dWhh H=64 TB=30", Transpose.Yes, Transpose.No, 256, 64, 30), true),
        (new("gates B=64 H=32", Transpose.No, Transpose.Yes, 64, 128, 32), true),
        (new("dWih I=1 TB=30", Transpose.Yes, Transpose.No, 256, 1, 30), true),
        (new("inputs TB=30 I=1", Transpose.No, Transpose.Yes, 30, 256, 1), false),
        (new("dWih I=8 TB=3200", Transpose.Yes, Transpose.No, 512, 8, 3200), true),
        (new("inputs TB=3200 I=8", Transpose.No, Transpose.Yes, 3200, 512, 8), false),
        (new("dWhh H=32 GRU TB=1920", Transpose.Yes, Transpose.No, 96, 32, 1920), true),
    ];

    /// <summary>
    /// One sequence's per-step products as the engine runs them, a row times a packed W_hh (<see
    /// cref="PackedMatrix{T}.MultiplyRow"/>, the direction alternating as between steps), and the packing of W_hh once
    /// per pass: (name, n, k, how W_hh is stored for op(B)). W4: H 64, W_hh 256 × 64.
    /// </summary>
    public static readonly (string Name, int N, int K, Transpose TransB)[] Rows =
    [
        ("row gates B=1 H=64 (W4 forward)", 256, 64, Transpose.Yes),
        ("row dh B=1 H=64 (W4 backward)", 64, 256, Transpose.No),
        ("row gates B=1 H=32", 128, 32, Transpose.Yes),
        ("row dh B=1 H=32", 32, 128, Transpose.No),
    ];

    /// <summary>
    /// Prints each shape's time on one thread and on <see cref="Environment.ProcessorCount"/> threads, then each row
    /// product's and its packing's time (one thread).
    /// </summary>
    public static void Run(TextWriter output)
    {
        int saved = Gemm.MaxThreads;
        try
        {
            foreach (var (shape, accumulate) in Shapes)
            {
                Gemm.MaxThreads = 1;
                double one = GemmTimer.BestSeconds(shape, accumulate, rounds: 7, roundMilliseconds: 25);
                Gemm.MaxThreads = Environment.ProcessorCount;
                double all = GemmTimer.BestSeconds(shape, accumulate, rounds: 7, roundMilliseconds: 25);
                double gflops = 2.0 * shape.M * shape.N * shape.K / one / 1e9;
                output.WriteLine($"{shape,-40} {(accumulate ? "C +=" : "C = ")} 1 thread {one * 1e6,10:F3} µs ({gflops,6:F1} GFLOP/s)   {Environment.ProcessorCount} threads {all * 1e6,10:F3} µs");
            }
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
        foreach (var (name, n, k, transB) in Rows)
        {
            var random = new Random(1);
            float[] w = GemmTimer.Fill(random, n * k), x = GemmTimer.Fill(random, k), y = new float[n];
            int ldb = transB == Transpose.Yes ? k : n;
            var packed = new PackedMatrix<float>();
            double pack = GemmTimer.BestSeconds(() => packed.Pack(transB, n, k, w, ldb), rounds: 7, roundMilliseconds: 25);
            bool backwards = false;
            double row = GemmTimer.BestSeconds(() => packed.MultiplyRow(x, y, backwards = !backwards), rounds: 7, roundMilliseconds: 25);
            output.WriteLine($"{name,-40} y ({n}) += x ({k}) · W packed: {row * 1e9,8:F0} ns ({2.0 * n * k / row / 1e9,6:F1} GFLOP/s)   packing W ({transB}): {pack * 1e9,8:F0} ns");
        }
    }
}
