// Glossary: a quick GFLOP/s table for Gemm.Multiply<float> (2·M·N·K flops per product) beside the machine's
// measured peak (PeakFlops), on one thread and on all of them. Seconds, not the minutes BenchmarkDotNet takes.
using Unroll.Numerics;

namespace Unroll.Benchmarks;

/// <summary>Times large and small RNN-shaped products with a Stopwatch: best of several rounds after a warm-up.</summary>
public static class GemmThroughput
{
    private static readonly GemmShape[] Shapes =
    [
        new("gates B=128 H=512", Transpose.No, Transpose.Yes, 128, 2048, 512),
        new("gates B=64 H=128", Transpose.No, Transpose.Yes, 64, 512, 128),
        new("dh B=128 H=512", Transpose.No, Transpose.No, 128, 512, 2048),
        new("dWhh H=512 TB=6400", Transpose.Yes, Transpose.No, 2048, 512, 6400),
        new("dWhh H=512 TB=12800 (W3)", Transpose.Yes, Transpose.No, 2048, 512, 12800),
        new("dWih I=64 TB=12800 (W3)", Transpose.Yes, Transpose.No, 2048, 64, 12800),
        new("joint dW J=577 TB=12800 (W3)", Transpose.Yes, Transpose.No, 577, 2048, 12800),
        new("inputs TB=12800 I=64", Transpose.No, Transpose.Yes, 12800, 2048, 64),
        new("gates B=64 H=32", Transpose.No, Transpose.Yes, 64, 128, 32),
        new("gates B=1 H=512", Transpose.No, Transpose.Yes, 1, 2048, 512),
        new("tiny", Transpose.No, Transpose.Yes, 4, 1, 1),
    ];

    /// <summary>
    /// Measures the peak, then each shape whose name contains <paramref name="filter"/> (all of them when it is empty)
    /// on one thread and on <see cref="Environment.ProcessorCount"/>; false, after naming the shapes, when none matches.
    /// </summary>
    public static bool Run(TextWriter output, string filter = "")
    {
        GemmShape[] chosen = Shapes.Where(s => s.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (chosen.Length == 0)
        {
            output.WriteLine($"no shape's name contains \"{filter}\"; the shapes: {string.Join(", ", Shapes.Select(s => s.Name))}");
            return false;
        }
        PeakFlopsResult peak = PeakFlops.Measure();
        output.WriteLine($"peak float32 FMA rate ({peak.VectorBits}-bit vectors): one thread {peak.SingleCoreGflops:F1} GFLOP/s, " +
                         $"{peak.Threads} threads {peak.AllCoresGflops:F1} GFLOP/s");
        int saved = Gemm.MaxThreads;
        try
        {
            foreach (GemmShape shape in chosen)
            {
                foreach (int threads in new[] { 1, Environment.ProcessorCount })
                {
                    Gemm.MaxThreads = threads;
                    double seconds = GemmTimer.BestSeconds(shape, accumulate: false, rounds: 5, roundMilliseconds: 50);
                    double gflops = 2.0 * shape.M * shape.N * shape.K / seconds / 1e9;
                    double ofPeak = gflops / (threads == 1 ? peak.SingleCoreGflops : peak.AllCoresGflops);
                    output.WriteLine($"{shape,-40} threads {threads}: {seconds * 1e6,10:F2} µs {gflops,8:F1} GFLOP/s {ofPeak,6:P0} of peak");
                }
            }
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
        return true;
    }
}
