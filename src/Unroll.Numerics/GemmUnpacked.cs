// Glossary: the unpacked GEMM path, for products too small or too skinny to repay packing.
//   C (M × N) = op(A) (M × K) · op(B) (K × N), row-major with strides lda, ldb, ldc
//   op(A)(i, p)   A[i · lda + p] as stored (M, K), or A[p · lda + i] when A is stored transposed (K, M)
//   W             elements per Vector256<T>: 8 floats or 4 doubles
// Two loop orders, each reading its operands along their contiguous direction:
//   B stored (K, N)  row form:  C[i, j .. j + 4W] = Σ_p op(A)(i, p) · B[p, j .. j + 4W]   (4 vector accumulators)
//   B stored (N, K)  dot form:  C[i, j] = Σ_p op(A)(i, p) · B[j, p]                        (vector dot when A's rows are contiguous)
// Every element is summed from zero in an order fixed by the shape, then written (or added) once.
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FmaX86 = System.Runtime.Intrinsics.X86.Fma;

namespace Unroll.Numerics;

/// <summary>GEMM without packing: cheap to start (no buffers, no threads), right for tiny products and C with few rows or columns.</summary>
internal static class GemmUnpacked
{
    /// <summary>C = or += op(A) · op(B); shapes were checked by the caller, and m, n, k are positive.</summary>
    public static void Multiply<T>(SimdLevel level, Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Debug.Assert(m > 0 && n > 0 && k > 0);
        bool vector = level != SimdLevel.Scalar && Vector256.IsHardwareAccelerated
            && (typeof(T) == typeof(float) || typeof(T) == typeof(double));
        // Element strides of op(A) along i and along p.
        nint aRowStride = transA == Transpose.No ? lda : 1, aColStride = transA == Transpose.No ? 1 : lda;
        ref T aRef = ref MemoryMarshal.GetReference(a);
        ref T bRef = ref MemoryMarshal.GetReference(b);
        ref T cRef = ref MemoryMarshal.GetReference(c);
        for (int i = 0; i < m; i++)
        {
            ref T aRow = ref Unsafe.Add(ref aRef, i * aRowStride);
            ref T cRow = ref Unsafe.Add(ref cRef, (nint)i * ldc);
            Debug.Assert((long)i * ldc + n <= c.Length);
            int j = 0;
            if (transB == Transpose.No)
            {
                // Row form: B's rows are contiguous along j.
                if (vector)
                    j = RowTimesBVector(ref aRow, aColStride, ref bRef, ldb, n, k, ref cRow, accumulate);
                for (; j + 4 <= n; j += 4)
                    Dot4(ref aRow, aColStride, ref Unsafe.Add(ref bRef, j), ldb, 1, k, ref Unsafe.Add(ref cRow, j), accumulate);
                for (; j < n; j++)
                    Write(ref Unsafe.Add(ref cRow, j), Dot(ref aRow, aColStride, ref Unsafe.Add(ref bRef, j), ldb, k), accumulate);
            }
            else
            {
                // Dot form: B's row j is op(B)'s column j, contiguous along p.
                if (vector && aColStride == 1)
                {
                    for (; j + 4 <= n; j += 4)
                    {
                        Debug.Assert((long)(j + 3) * ldb + k <= b.Length);
                        DotVector4(ref aRow, ref Unsafe.Add(ref bRef, (nint)j * ldb), ldb, k, ref Unsafe.Add(ref cRow, j), accumulate);
                    }
                }
                for (; j + 4 <= n; j += 4)
                    Dot4(ref aRow, aColStride, ref Unsafe.Add(ref bRef, (nint)j * ldb), 1, ldb, k, ref Unsafe.Add(ref cRow, j), accumulate);
                for (; j < n; j++)
                {
                    ref T bRow = ref Unsafe.Add(ref bRef, (nint)j * ldb);
                    T sum = vector && aColStride == 1 ? DotVector(ref aRow, ref bRow, k) : Dot(ref aRow, aColStride, ref bRow, 1, k);
                    Write(ref Unsafe.Add(ref cRow, j), sum, accumulate);
                }
            }
        }
    }

    /// <summary>
    /// c[q] = or += Σ_p x[p · xStride] · y[p · yStride + q · yNext] for q &lt; 4: four scalar chains that share x.
    /// </summary>
    private static void Dot4<T>(ref T x, nint xStride, ref T y, nint yStride, nint yNext, int k, ref T c, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T s0 = T.Zero, s1 = T.Zero, s2 = T.Zero, s3 = T.Zero;
        for (nint p = 0; p < k; p++)
        {
            T xp = Unsafe.Add(ref x, p * xStride);
            ref T yp = ref Unsafe.Add(ref y, p * yStride);
            s0 += xp * yp;
            s1 += xp * Unsafe.Add(ref yp, yNext);
            s2 += xp * Unsafe.Add(ref yp, 2 * yNext);
            s3 += xp * Unsafe.Add(ref yp, 3 * yNext);
        }
        Write(ref c, s0, accumulate);
        Write(ref Unsafe.Add(ref c, 1), s1, accumulate);
        Write(ref Unsafe.Add(ref c, 2), s2, accumulate);
        Write(ref Unsafe.Add(ref c, 3), s3, accumulate);
    }

    /// <summary>Σ_p x[p · xStride] · y[p · yStride]: four scalar partial sums (p mod 4), then the tail.</summary>
    private static T Dot<T>(ref T x, nint xStride, ref T y, nint yStride, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T s0 = T.Zero, s1 = T.Zero, s2 = T.Zero, s3 = T.Zero;
        nint p = 0;
        for (; p + 4 <= k; p += 4)
        {
            s0 += Unsafe.Add(ref x, p * xStride) * Unsafe.Add(ref y, p * yStride);
            s1 += Unsafe.Add(ref x, (p + 1) * xStride) * Unsafe.Add(ref y, (p + 1) * yStride);
            s2 += Unsafe.Add(ref x, (p + 2) * xStride) * Unsafe.Add(ref y, (p + 2) * yStride);
            s3 += Unsafe.Add(ref x, (p + 3) * xStride) * Unsafe.Add(ref y, (p + 3) * yStride);
        }
        T sum = (s0 + s1) + (s2 + s3);
        for (; p < k; p++)
            sum += Unsafe.Add(ref x, p * xStride) * Unsafe.Add(ref y, p * yStride);
        return sum;
    }

    /// <summary>Σ_p x[p] · y[p] for contiguous x and y: two vector partial sums, their lanes, then the scalar tail.</summary>
    private static T DotVector<T>(ref T x, ref T y, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count;
        Vector256<T> acc0 = default, acc1 = default;
        int p = 0;
        for (; p + 2 * w <= k; p += 2 * w)
        {
            acc0 = Fma(Vector256.LoadUnsafe(ref x, (nuint)p), Vector256.LoadUnsafe(ref y, (nuint)p), acc0);
            acc1 = Fma(Vector256.LoadUnsafe(ref x, (nuint)(p + w)), Vector256.LoadUnsafe(ref y, (nuint)(p + w)), acc1);
        }
        if (p + w <= k)
        {
            acc0 = Fma(Vector256.LoadUnsafe(ref x, (nuint)p), Vector256.LoadUnsafe(ref y, (nuint)p), acc0);
            p += w;
        }
        T sum = Vector256.Sum(acc0 + acc1);
        for (; p < k; p++)
            sum += Unsafe.Add(ref x, p) * Unsafe.Add(ref y, p);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write<T>(ref T c, T value, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T> =>
        c = accumulate ? c + value : value;

    /// <summary>
    /// C row [0 .. returned) = or += Σ_p op(A)(i, p) · B[p, 0 .. returned) for whole vectors of columns;
    /// returns how many columns it wrote (the caller finishes the rest).
    /// </summary>
    private static int RowTimesBVector<T>(ref T aRow, nint aColStride, ref T b, nint ldb, int n, int k, ref T cRow, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count;
        int j = 0;
        for (; j + 4 * w <= n; j += 4 * w)
        {
            Vector256<T> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
            ref T bCol = ref Unsafe.Add(ref b, j);
            for (nint p = 0; p < k; p++)
            {
                var s = Vector256.Create(Unsafe.Add(ref aRow, p * aColStride));
                ref T bRow = ref Unsafe.Add(ref bCol, p * ldb);
                acc0 = Fma(s, Vector256.LoadUnsafe(ref bRow), acc0);
                acc1 = Fma(s, Vector256.LoadUnsafe(ref bRow, (nuint)w), acc1);
                acc2 = Fma(s, Vector256.LoadUnsafe(ref bRow, (nuint)(2 * w)), acc2);
                acc3 = Fma(s, Vector256.LoadUnsafe(ref bRow, (nuint)(3 * w)), acc3);
            }
            ref T cOut = ref Unsafe.Add(ref cRow, j);
            Store(acc0, ref cOut, accumulate);
            Store(acc1, ref Unsafe.Add(ref cOut, w), accumulate);
            Store(acc2, ref Unsafe.Add(ref cOut, 2 * w), accumulate);
            Store(acc3, ref Unsafe.Add(ref cOut, 3 * w), accumulate);
        }
        for (; j + w <= n; j += w)
        {
            Vector256<T> acc = default;
            ref T bCol = ref Unsafe.Add(ref b, j);
            for (nint p = 0; p < k; p++)
                acc = Fma(Vector256.Create(Unsafe.Add(ref aRow, p * aColStride)), Vector256.LoadUnsafe(ref Unsafe.Add(ref bCol, p * ldb)), acc);
            Store(acc, ref Unsafe.Add(ref cRow, j), accumulate);
        }
        return j;
    }

    /// <summary>
    /// c[q] = or += Σ_p x[p] · y[q · ldy + p] for q &lt; 4: two vector partial sums per row of y, their lanes, then the
    /// scalar tail, in an order fixed by k alone.
    /// </summary>
    private static void DotVector4<T>(ref T x, ref T y, nint ldy, int k, ref T c, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count;
        ref T y0 = ref y, y1 = ref Unsafe.Add(ref y, ldy), y2 = ref Unsafe.Add(ref y, 2 * ldy), y3 = ref Unsafe.Add(ref y, 3 * ldy);
        Vector256<T> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector256<T> b0 = default, b1 = default, b2 = default, b3 = default;
        int p = 0;
        for (; p + 2 * w <= k; p += 2 * w)
        {
            Vector256<T> xa = Vector256.LoadUnsafe(ref x, (nuint)p), xb = Vector256.LoadUnsafe(ref x, (nuint)(p + w));
            a0 = Fma(xa, Vector256.LoadUnsafe(ref y0, (nuint)p), a0); b0 = Fma(xb, Vector256.LoadUnsafe(ref y0, (nuint)(p + w)), b0);
            a1 = Fma(xa, Vector256.LoadUnsafe(ref y1, (nuint)p), a1); b1 = Fma(xb, Vector256.LoadUnsafe(ref y1, (nuint)(p + w)), b1);
            a2 = Fma(xa, Vector256.LoadUnsafe(ref y2, (nuint)p), a2); b2 = Fma(xb, Vector256.LoadUnsafe(ref y2, (nuint)(p + w)), b2);
            a3 = Fma(xa, Vector256.LoadUnsafe(ref y3, (nuint)p), a3); b3 = Fma(xb, Vector256.LoadUnsafe(ref y3, (nuint)(p + w)), b3);
        }
        if (p + w <= k)
        {
            Vector256<T> xa = Vector256.LoadUnsafe(ref x, (nuint)p);
            a0 = Fma(xa, Vector256.LoadUnsafe(ref y0, (nuint)p), a0);
            a1 = Fma(xa, Vector256.LoadUnsafe(ref y1, (nuint)p), a1);
            a2 = Fma(xa, Vector256.LoadUnsafe(ref y2, (nuint)p), a2);
            a3 = Fma(xa, Vector256.LoadUnsafe(ref y3, (nuint)p), a3);
            p += w;
        }
        T s0 = Vector256.Sum(a0 + b0), s1 = Vector256.Sum(a1 + b1), s2 = Vector256.Sum(a2 + b2), s3 = Vector256.Sum(a3 + b3);
        for (; p < k; p++)
        {
            T xp = Unsafe.Add(ref x, p);
            s0 += xp * Unsafe.Add(ref y0, p);
            s1 += xp * Unsafe.Add(ref y1, p);
            s2 += xp * Unsafe.Add(ref y2, p);
            s3 += xp * Unsafe.Add(ref y3, p);
        }
        if (accumulate)
        {
            s0 += c; s1 += Unsafe.Add(ref c, 1); s2 += Unsafe.Add(ref c, 2); s3 += Unsafe.Add(ref c, 3);
        }
        c = s0; Unsafe.Add(ref c, 1) = s1; Unsafe.Add(ref c, 2) = s2; Unsafe.Add(ref c, 3) = s3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(Vector256<T> v, ref T c, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (accumulate)
            v += Vector256.LoadUnsafe(ref c);
        v.StoreUnsafe(ref c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma<T>(Vector256<T> x, Vector256<T> y, Vector256<T> acc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && FmaX86.IsSupported)
            return Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double) && FmaX86.IsSupported)
            return Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
        return x * y + acc;
    }
}
