using Xunit;
using Unroll.Numerics;

namespace Unroll.Numerics.Tests;

public class PackedMatrixTests
{
    public static IEnumerable<object[]> Shapes()
    {
        foreach (var (m, n, k) in new[] { (4, 4, 1), (8, 32, 16), (9, 33, 17), (64, 128, 32), (65, 96, 31), (128, 2048, 64), (300, 40, 513), (7, 1100, 9) })
            foreach (var ta in new[] { Transpose.No, Transpose.Yes })
                foreach (var tb in new[] { Transpose.No, Transpose.Yes })
                    yield return [m, n, k, ta, tb];
    }

    private static float[] Random(int count, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Multiply_Prepacked_EqualsTheOrdinaryProductBitwise(int m, int n, int k, Transpose ta, Transpose tb)
    {
        int lda = (ta == Transpose.No ? k : m) + 3, ldb = (tb == Transpose.No ? n : k) + 1, ldc = n + 2;
        var a = Random((ta == Transpose.No ? m : k) * lda, 1);
        var b = Random((tb == Transpose.No ? k : n) * ldb, 2);
        var expected = Random(m * ldc, 3);
        var actual = (float[])expected.Clone();
        var reference = (float[])expected.Clone();
        var packed = new PackedMatrix<float>();
        packed.Pack(tb, n, k, b, ldb);
        foreach (var threads in new[] { 1, 2, 3 })
        {
            Gemm.MaxThreads = threads;
            try
            {
                var c = (float[])actual.Clone();
                packed.Multiply(ta, m, a, lda, c, ldc, accumulate: true);
                var e = (float[])expected.Clone();
                // The ordinary product forced onto its packed path: the same summation order, so the same bits.
                Gemm.MultiplyWith<float>(Gemm.BestSimdLevel, 1, Gemm.DefaultParallelGrain, -1, ta, tb, m, n, k, a, lda, b, ldb, e, ldc, accumulate: true);
                Assert.Equal(e, c);
                GemmReference.Multiply<float>(ta, tb, m, n, k, a, lda, b, ldb, reference, ldc, accumulate: true);
                for (int i = 0; i < c.Length; i++) Assert.True(Math.Abs(c[i] - reference[i]) <= 1e-4f * (1 + k), $"element {i}");
                reference = (float[])expected.Clone();
            }
            finally
            {
                Gemm.MaxThreads = Environment.ProcessorCount;
            }
        }
    }

    [Fact]
    public void Pack_AgainWithNewValues_ReusesStorageAndUsesTheNewValues()
    {
        var packed = new PackedMatrix<double>();
        var b = new double[] { 1, 2, 3, 4 };
        packed.Pack(Transpose.No, 2, 2, b, 2);
        b[0] = 10;
        packed.Pack(Transpose.No, 2, 2, b, 2);
        var c = new double[2];
        packed.Multiply(Transpose.No, 1, [1.0, 0.0], 2, c, 2, accumulate: false);
        Assert.Equal([10.0, 2.0], c);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(33, 7)]
    [InlineData(256, 64)]
    [InlineData(2048, 577)]
    public unsafe void Pack_PanelsStartOnACacheLine_AndStayThereWhenRepackedLarger(int n, int k)
    {
        // Allocations between packings move where the ordinary heap would put the storage; the panels must not move
        // off a 64-byte boundary (a vector load across two cache lines costs two).
        var packed = new PackedMatrix<float>();
        for (int size = 1; size <= 2; size++)
        {
            _ = new byte[24 * size];
            packed.Pack(Transpose.Yes, n * size, k, Random(n * size * k, size), k);
            fixed (float* data = packed.Data)
                Assert.Equal(0, (long)data % 64);
        }
        var doubles = new PackedMatrix<double>();
        doubles.Pack(Transpose.No, n, k, new double[n * k], n);
        fixed (double* data = doubles.Data)
            Assert.Equal(0, (long)data % 64);
    }
}

/// <summary>One row times a packed matrix (a batch-1 step), on every SIMD level, against the plain triple loop.</summary>
public class PackedMatrixRowTests
{
    public static IEnumerable<object[]> Cases()
    {
        foreach (var level in Enum.GetValues<SimdLevel>().Where(Gemm.IsSupported))
            foreach (var (n, k) in new[] { (1, 1), (5, 3), (31, 7), (32, 64), (33, 17), (96, 1), (128, 32), (130, 65), (256, 64), (300, 513), (64, 256), (96, 40), (200, 3), (224, 5) })
                foreach (var tb in new[] { Transpose.No, Transpose.Yes })
                    yield return [level.ToString(), n, k, tb];
    }

    private static T[] Random<T>(int count, int seed) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        var r = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => T.CreateChecked(r.NextDouble() * 2 - 1)).ToArray();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MultiplyRow_AddsTheRowTimesTheMatrix_InFloatAndDouble(string level, int n, int k, Transpose tb)
    {
        Check<float>(Enum.Parse<SimdLevel>(level), n, k, tb, 1e-5);
        Check<double>(Enum.Parse<SimdLevel>(level), n, k, tb, 1e-13);
    }

    private static void Check<T>(SimdLevel level, int n, int k, Transpose tb, double tolerance)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int ldb = (tb == Transpose.No ? n : k) + 2;
        var b = Random<T>((tb == Transpose.No ? k : n) * ldb, 1);
        var x = Random<T>(k, 2);
        var start = Random<T>(n + 3, 3);                      // y past n must stay as it was
        var packed = new PackedMatrix<T>();
        packed.Pack(level, tb, n, k, b, ldb);
        var y = (T[])start.Clone();
        packed.MultiplyRow(x, y);
        var expected = (T[])start.Clone();
        GemmReference.Multiply<T>(Transpose.No, tb, 1, n, k, x, k, b, ldb, expected, n + 3, accumulate: true);
        for (int j = 0; j < n; j++)
        {
            double e = double.CreateChecked(expected[j]), a = double.CreateChecked(y[j]);
            Assert.True(Math.Abs(e - a) <= tolerance * (1 + k), $"{typeof(T).Name} {level} column {j}: {a} vs {e}");
        }
        for (int j = n; j < n + 3; j++) Assert.Equal(start[j], y[j]);
        var again = (T[])start.Clone();
        packed.MultiplyRow(x, again);
        Assert.Equal(y, again);
        var backwards = (T[])start.Clone();
        packed.MultiplyRow(x, backwards, backwards: true);   // the columns last to first: the same bits
        Assert.Equal(y, backwards);
        // Bit for bit: each column summed from zero in p order, then added to y once; with fused multiply-adds on the
        // vector paths, a multiply and an add on the scalar one.
        var chain = (T[])start.Clone();
        for (int j = 0; j < n; j++)
        {
            T sum = T.Zero;
            for (int p = 0; p < k; p++)
            {
                T bj = tb == Transpose.No ? b[p * ldb + j] : b[j * ldb + p];
                sum = level == SimdLevel.Scalar ? sum + x[p] * bj : T.FusedMultiplyAdd(x[p], bj, sum);
            }
            chain[j] += sum;
        }
        Assert.Equal(chain, y);
    }

    [Fact]
    public void MultiplyRow_ShortSpans_AreRefused()
    {
        var packed = new PackedMatrix<float>();
        packed.Pack(Transpose.No, 4, 3, new float[12], 4);
        Assert.Throws<ArgumentException>(() => packed.MultiplyRow(new float[2], new float[4]));
        Assert.Throws<ArgumentException>(() => packed.MultiplyRow(new float[3], new float[3]));
        Assert.Throws<InvalidOperationException>(() => new PackedMatrix<float>().MultiplyRow(new float[3], new float[4]));
    }
}

/// <summary>A caller's own shares of rows, each on its thread, give the bits of the whole product.</summary>
public class PackedMatrixShareTests
{
    [Theory]
    [InlineData(65, 96, 31, 24)]
    [InlineData(128, 2048, 64, 64)]
    [InlineData(48, 512, 137, 17)]
    public void MultiplyOnThisThread_RowsInShares_GiveTheBitsOfTheWholeProduct(int m, int n, int k, int split)
    {
        var r = new Random(5);
        float[] Random(int count) => Enumerable.Range(0, count).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
        var a = Random(m * k);
        var b = Random(n * k);
        var start = Random(m * n);
        var packed = new PackedMatrix<float>();
        packed.Pack(Transpose.Yes, n, k, b, k);
        var whole = (float[])start.Clone();
        packed.Multiply(Transpose.No, m, a, k, whole, n, accumulate: true);
        var shares = (float[])start.Clone();
        var threads = new[]
        {
            new Thread(() => packed.MultiplyOnThisThread(Transpose.No, split, a, k, shares, n, accumulate: true)),
            new Thread(() => packed.MultiplyOnThisThread(Transpose.No, m - split, a.AsSpan(split * k), k, shares.AsSpan(split * n), n, accumulate: true)),
        };
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        Assert.Equal(whole, shares);
    }
}
