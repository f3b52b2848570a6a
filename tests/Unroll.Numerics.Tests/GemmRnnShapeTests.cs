// Glossary: the small, skinny and shallow products the RNN engine issues (B batch, T steps, I inputs, H hidden,
// G gates; LSTM G = 4), each checked against GemmReference on every SIMD path:
//   input projection  (T·B, GH) = X (T·B, I) · Wihᵀ         NT, K = I (an outer product when I = 1)
//   gates             (B, GH)  += h (B, H) · Whhᵀ            NT, one row at batch 1
//   dh                (B, H)    = dG (B, GH) · Whh           NN
//   dWih, dWhh        (GH, I or H) += dGᵀ · X or h (T·B)     TN, long K; C one column wide when I = 1
//   head              (B, 1) = h · Wᵀ  NT;  dW (1, H) = dOutᵀ · h  TN;  dh_last (B, H) = dOut · W  NN
using System.Numerics;
using System.Runtime.InteropServices;
using Xunit;

namespace Unroll.Numerics.Tests;

/// <summary>The engine's per-step GEMM shapes, and sizes around every vector edge in their skinny dimension.</summary>
public class GemmRnnShapeTests
{
    /// <summary>Sizes that break kernels: around 8 and 16 (vector widths), 64 (four vectors, a tile).</summary>
    private static readonly int[] EdgeSizes = [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65];

    /// <summary>The engine's shapes for the workloads W1 (LSTM 1→32, T 30, B 64) and W4 (LSTM 1→64, T 30, B 1), and heads.</summary>
    private static readonly (Transpose TransA, Transpose TransB, int M, int N, int K)[] EngineShapes =
    [
        (Transpose.Yes, Transpose.No, 128, 1, 1920),    // dWih, I = 1
        (Transpose.Yes, Transpose.No, 128, 32, 1920),   // dWhh, H = 32
        (Transpose.No, Transpose.Yes, 1920, 128, 1),    // input projection, I = 1
        (Transpose.No, Transpose.No, 64, 32, 128),      // dh, B = 64
        (Transpose.No, Transpose.Yes, 64, 128, 32),     // gates, B = 64
        (Transpose.No, Transpose.Yes, 1, 128, 32),      // gates, B = 1, H = 32
        (Transpose.No, Transpose.Yes, 1, 256, 64),      // gates, B = 1, H = 64
        (Transpose.No, Transpose.No, 1, 64, 256),       // dh, B = 1, H = 64
        (Transpose.Yes, Transpose.No, 256, 64, 30),     // dWhh at batch 1, T = 30
        (Transpose.Yes, Transpose.No, 256, 1, 30),      // dWih at batch 1
        (Transpose.No, Transpose.Yes, 30, 256, 1),      // input projection at batch 1
        (Transpose.Yes, Transpose.No, 512, 8, 640),     // dWih, I = 8
        (Transpose.No, Transpose.Yes, 640, 512, 8),     // input projection, I = 8
        (Transpose.No, Transpose.Yes, 64, 1, 32),       // head
        (Transpose.Yes, Transpose.No, 1, 32, 64),       // head dW
        (Transpose.No, Transpose.No, 64, 32, 1),        // head dh_last
    ];

    public static TheoryData<string> Levels()
    {
        var data = new TheoryData<string>();
        foreach (SimdLevel level in GemmPaths.Supported)
            data.Add(level.ToString());
        return data;
    }

    /// <summary>Families of shapes with one size left free (-1): every SIMD level × family.</summary>
    public static TheoryData<string, string> LevelsAndFamilies()
    {
        var data = new TheoryData<string, string>();
        foreach (SimdLevel level in GemmPaths.Supported)
            foreach (string family in Families.Keys)
                data.Add(level.ToString(), family);
        return data;
    }

    private static readonly Dictionary<string, (Transpose TransA, Transpose TransB, int M, int N, int K)> Families = new()
    {
        ["dWih TN (GH, I) I free"] = (Transpose.Yes, Transpose.No, 70, -1, 200),
        ["dWhh TN (GH, H) GH free"] = (Transpose.Yes, Transpose.No, -1, 40, 200),
        ["inputs NT (TB, GH) I free"] = (Transpose.No, Transpose.Yes, 150, 70, -1),
        ["gates NT (B, GH) B free"] = (Transpose.No, Transpose.Yes, -1, 70, 40),
        ["gates NT (B, GH) H free"] = (Transpose.No, Transpose.Yes, 2, 70, -1),
        ["dh NN (B, H) B free"] = (Transpose.No, Transpose.No, -1, 40, 70),
        ["dh NN (B, H) H free"] = (Transpose.No, Transpose.No, 70, -1, 70),
        ["head NT (B, O) O free"] = (Transpose.No, Transpose.Yes, 70, -1, 40),
        ["TT (M, N) N free"] = (Transpose.Yes, Transpose.Yes, 70, -1, 40),
        ["TT (M, N) K free"] = (Transpose.Yes, Transpose.Yes, 40, 70, -1),
    };

    [Theory]
    [MemberData(nameof(Levels))]
    public void Multiply_EngineShapes_MatchReference(string level)
    {
        var simd = Enum.Parse<SimdLevel>(level);
        foreach (var (transA, transB, m, n, k) in EngineShapes)
        {
            Check<float>(GemmPaths.Default<float>(simd), transA, transB, m, n, k, tight: true, bothModes: true);
            Check<double>(GemmPaths.Default<double>(simd), transA, transB, m, n, k, tight: true, bothModes: false);
            Check<float>(GemmPaths.Unpacked<float>(simd), transA, transB, m, n, k, tight: false, bothModes: false);
        }
    }

    [Theory]
    [MemberData(nameof(LevelsAndFamilies))]
    public void Multiply_EdgeSizesInTheFreeDimension_MatchReference(string level, string family)
    {
        var simd = Enum.Parse<SimdLevel>(level);
        var (transA, transB, m, n, k) = Families[family];
        foreach (int size in EdgeSizes)
        {
            int mm = m < 0 ? size : m, nn = n < 0 ? size : n, kk = k < 0 ? size : k;
            // The public choice of path, tight as the engine stores matrices; every product unpacked, with padding.
            Check<float>(GemmPaths.Default<float>(simd), transA, transB, mm, nn, kk, tight: true, bothModes: false);
            Check<float>(GemmPaths.Unpacked<float>(simd), transA, transB, mm, nn, kk, tight: false, bothModes: true);
            Check<double>(GemmPaths.Unpacked<double>(simd), transA, transB, mm, nn, kk, tight: size % 2 == 0, bothModes: false);
        }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Multiply_UnpackedSplitOverThreads_IsBitwiseIdenticalToOneThread(string level)
    {
        // Row form (dWhh, dh), the outer product (input projection, I = 1), K blocks, rows left over after blocks of 6.
        var simd = Enum.Parse<SimdLevel>(level);
        foreach (var (transA, transB, m, n, k) in new[]
                 {
                     (Transpose.Yes, Transpose.No, 128, 32, 1920), (Transpose.No, Transpose.No, 65, 17, 300),
                     (Transpose.No, Transpose.Yes, 1920, 128, 1), (Transpose.No, Transpose.Yes, 301, 40, 7),
                 })
        {
            var problem = new GemmCase<float>(transA, transB, m, n, k, seed: m + n + k);
            float[] single = problem.Run(accumulate: true, GemmPaths.Unpacked<float>(simd));
            foreach (int parts in new[] { 2, 3, 7 })
            {
                float[] split = problem.Run(accumulate: true, (ta, tb, mm, nn, kk, a, lda, b, ldb, c, ldc, acc) =>
                    Gemm.MultiplyWith(simd, parts, parallelGrain: 1, long.MaxValue, ta, tb, mm, nn, kk, a, lda, b, ldb, c, ldc, acc));
                Assert.True(MemoryMarshal.AsBytes(single.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(split.AsSpan())),
                    $"{level} {transA}/{transB} {m}×{n}×{k} unpacked, split in {parts}, differs from one thread");
            }
            problem.AssertMatchesReference(single, accumulate: true);
        }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Multiply_SameShapeAndInputs_GivesTheSameBitsEveryCall(string level)
    {
        var simd = Enum.Parse<SimdLevel>(level);
        foreach (var (transA, transB, m, n, k) in EngineShapes)
        {
            var problem = new GemmCase<float>(transA, transB, m, n, k, seed: 11, tight: true);
            float[] first = problem.Run(accumulate: false, GemmPaths.Default<float>(simd));
            float[] again = problem.Run(accumulate: false, GemmPaths.Default<float>(simd));
            Assert.True(MemoryMarshal.AsBytes(first.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(again.AsSpan())),
                $"{level} {transA}/{transB} {m}×{n}×{k}: two calls differ");
        }
    }

    private static void Check<T>(GemmAction<T> path, Transpose transA, Transpose transB, int m, int n, int k, bool tight, bool bothModes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var problem = new GemmCase<T>(transA, transB, m, n, k, seed: 1009 * m + 101 * n + k, tight: tight);
        problem.AssertMatchesReference(problem.Run(accumulate: true, path), accumulate: true);
        if (bothModes)
            problem.AssertMatchesReference(problem.Run(accumulate: false, path), accumulate: false);
    }
}
