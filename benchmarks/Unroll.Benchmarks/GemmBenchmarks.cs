// Glossary: GEMM at the shapes an RNN step uses. B batch, T steps, I inputs, H hidden, G gates (LSTM: 4).
//   gates    (B, GH) += h (B, H) · Whhᵀ (H, GH)               NT
//   dh       (B, H)  += dG (B, GH) · Whh (GH, H)               NN
//   dWhh     (GH, H) += dGᵀ (GH, T·B) · h (T·B, H)             TN
//   inputs   (T·B, GH) = X (T·B, I) · Wihᵀ (I, GH)             NT
// The plain triple loop (GemmReference) is the baseline; shapes stay small enough for it to finish.
using BenchmarkDotNet.Attributes;
using Unroll.Numerics;

namespace Unroll.Benchmarks;

/// <summary>One GEMM problem: C (M × N) = op(A) (M × K) · op(B) (K × N).</summary>
public sealed record GemmShape(string Name, Transpose TransA, Transpose TransB, int M, int N, int K)
{
    public override string ToString() => $"{Name} {(TransA == Transpose.No ? 'N' : 'T')}{(TransB == Transpose.No ? 'N' : 'T')} {M}x{N}x{K}";
}

[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];
    private int _lda, _ldb;

    public static IEnumerable<GemmShape> Shapes =>
    [
        new("tiny", Transpose.No, Transpose.Yes, 4, 1, 1),
        new("gates B=64 H=32", Transpose.No, Transpose.Yes, 64, 128, 32),
        new("gates B=64 H=128", Transpose.No, Transpose.Yes, 64, 512, 128),
        new("dh B=64 H=128", Transpose.No, Transpose.No, 64, 128, 512),
        new("dWhh H=128 TB=640", Transpose.Yes, Transpose.No, 512, 128, 640),
        new("inputs TB=640 I=64", Transpose.No, Transpose.Yes, 640, 512, 64),
    ];

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = Shapes.First();

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        (int m, int n, int k) = (Shape.M, Shape.N, Shape.K);
        _a = Fill(random, m * k);
        _b = Fill(random, k * n);
        _c = new float[m * n];
        _lda = Shape.TransA == Transpose.No ? k : m;
        _ldb = Shape.TransB == Transpose.No ? n : k;
    }

    [Benchmark(Baseline = true)]
    public void Reference() =>
        GemmReference.Multiply<float>(Shape.TransA, Shape.TransB, Shape.M, Shape.N, Shape.K, _a, _lda, _b, _ldb, _c, Shape.N, false);

    [Benchmark]
    public void Packed() =>
        Gemm.Multiply<float>(Shape.TransA, Shape.TransB, Shape.M, Shape.N, Shape.K, _a, _lda, _b, _ldb, _c, Shape.N, false);

    [Benchmark]
    public void PackedOneThread()
    {
        int saved = Gemm.MaxThreads;
        Gemm.MaxThreads = 1;
        Gemm.Multiply<float>(Shape.TransA, Shape.TransB, Shape.M, Shape.N, Shape.K, _a, _lda, _b, _ldb, _c, Shape.N, false);
        Gemm.MaxThreads = saved;
    }

    private static float[] Fill(Random random, int length)
    {
        var data = new float[length];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)(random.NextDouble() * 2 - 1);
        return data;
    }
}
