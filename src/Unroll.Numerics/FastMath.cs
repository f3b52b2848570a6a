// Glossary: the activations of the cells' float kernels, written once for every width (Lanes over ISimd).
//   σ(x)     1 / (1 + e^(−x))
//   tanh(x)  2σ(2x) − 1 = 2 / (1 + e^(−2x)) − 1
//   e^x      ISimd.Exp: for 16 float lanes the polynomial below, else the runtime's Exp (scalar: MathF.Exp)
//   ulp      unit in the last place of the float nearest the exact value
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Unroll.Numerics;

/// <summary>
/// Vectorised float activations for the fused cell kernels: σ(x) = 1 / (1 + e^(−x)) and tanh(x) = 2σ(2x) − 1 at any
/// width. Both saturate cleanly (σ goes to 0 or 1, tanh to ±1; NaN stays NaN). tanh near 0 loses a little relative
/// accuracy to the subtraction (an absolute error of about one float ulp of 1), well inside float32 tolerance;
/// double networks use the exact scalar path.
/// </summary>
internal static class FastMath
{
    /// <summary>
    /// The largest error of <see cref="Exp(Vector512{float})"/> in ulps of e^x, over every float in [−87, 88]: 1.023
    /// measured (at x = 26.716946) against double-precision <see cref="Math.Exp"/>, rounded up.
    /// </summary>
    internal const double ExpUlpBound = 1.03;

    /// <summary>σ(x) = 1 / (1 + e^(−x)), lane by lane (16 float lanes: <see cref="Sigmoid(Vector512{float})"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<T, TV, TOps> Sigmoid<T, TV, TOps>(Lanes<T, TV, TOps> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        if (typeof(TV) == typeof(Vector512<float>))
            return new(Unsafe.BitCast<Vector512<float>, TV>(Sigmoid(Unsafe.BitCast<TV, Vector512<float>>(x.Value))));
        var one = Lanes<T, TV, TOps>.One;
        return one / (one + Lanes<T, TV, TOps>.Exp(-x));
    }

    /// <summary>tanh(x) = 2 / (1 + e^(−2x)) − 1, lane by lane (16 float lanes: <see cref="Tanh(Vector512{float})"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<T, TV, TOps> Tanh<T, TV, TOps>(Lanes<T, TV, TOps> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        if (typeof(TV) == typeof(Vector512<float>))
            return new(Unsafe.BitCast<Vector512<float>, TV>(Tanh(Unsafe.BitCast<TV, Vector512<float>>(x.Value))));
        var one = Lanes<T, TV, TOps>.One;
        var two = Lanes<T, TV, TOps>.Broadcast(T.CreateTruncating(2));
        return two / (one + Lanes<T, TV, TOps>.Exp(-two * x)) - one;
    }

    /// <summary>
    /// e^x in float, 16 lanes: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two for an exact reduction), e^r by
    /// Cephes' degree-6 polynomial, then 2^n put into the exponent bits: within <see cref="ExpUlpBound"/> ulps of e^x
    /// for x in [−87, 88]. Inputs are clamped to that range: below −87 (−∞ too) the result is e^−87 ≈ 1.6e−38, above 88
    /// (+∞ too) e^88 ≈ 1.65e38, where the activations are already saturated; NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        var clamped = Vector512.Min(Vector512.Max(x, Vector512.Create(-87f)), Vector512.Create(88f));
        var n = Vector512.Round(clamped * Vector512.Create(Log2E));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), clamped);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(Ln2Low), r);
        var p = Vector512.Create(P5);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P0));
        var y = Vector512.FusedMultiplyAdd(p * r, r, r) + Vector512<float>.One;
        // y·2^n, one rounding either way: AVX-512's scale instruction, or 2^n built in a float's exponent bits (n is a
        // whole number in [−126, 127] after the clamp) and multiplied. A NaN went through the clamp and stays NaN.
        if (Avx512F.IsSupported) return Avx512F.Scale(y, n);
        return y * ((Vector512.ConvertToInt32Native(n) + Vector512.Create(127)) << 23).AsSingle();
    }

    // Exp's constants: log2(e); ln 2 = Ln2High − Ln2Low, the high part short enough that n·Ln2High is exact; e^r ≈ 1 + r
    // + r²·(P0 + P1·r + … + P5·r⁵) (Cephes).
    private const float Log2E = 1.44269504088896341f, Ln2High = 0.693359375f, Ln2Low = 2.12194440e-4f;
    private const float P0 = 5.0000001201e-1f, P1 = 1.6666665459e-1f, P2 = 4.1665795894e-2f, P3 = 8.3334519073e-3f,
        P4 = 1.3981999507e-3f, P5 = 1.9875691500e-4f;

    /// <summary>σ(x) = 1 / (1 + e^(−x)) in 16 float lanes, bit for bit with <see cref="Exp(Vector512{float})"/> of −x,
    /// in one instruction fewer (<see cref="ExpOfMinus"/>). Without AVX-512 the plain composition runs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x)
    {
        var one = Vector512<float>.One;
        if (!Avx512F.IsSupported) return one / (one + Exp(-x));
        return one / (one + ExpOfMinus(x, 1f));
    }

    /// <summary>tanh(x) = 2 / (1 + e^(−2x)) − 1 in 16 float lanes, bit for bit with <see cref="Exp(Vector512{float})"/>
    /// of −2x, in one instruction fewer (<see cref="ExpOfMinus"/>). Without AVX-512 the plain composition runs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        var one = Vector512<float>.One;
        var two = Vector512.Create(2f);
        if (!Avx512F.IsSupported) return two / (one + Exp(-two * x)) - one;
        return two / (one + ExpOfMinus(x, 2f)) - one;
    }

    /// <summary>
    /// e^(−f·x) for f = 1 or 2 (a constant at each call, so the JIT folds the constants below), AVX-512 only: the same
    /// bits as <see cref="Exp(Vector512{float})"/> of −f·x, without the multiplication by −f. Exp's steps run on
    /// s = −r / f: the reduction's constants divided by f, and the polynomial's k-th coefficient times f·(−f)^k, so that
    /// each step is the one it replaces times a power of two, exact in float, and the polynomial ends as f·p(r); the
    /// last step puts f back. x is clamped to ±88 / f; past the −f·x ∈ [−87, 88] that Exp keeps, the activations built
    /// on this are saturated either way (1 + e^(−87) rounds to 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ExpOfMinus(Vector512<float> x, float f)
    {
        var c = ClampMagnitude(x, 88f / f);
        var n = Vector512.Round(c * Vector512.Create(-f * Log2E));
        var s = Vector512.FusedMultiplyAdd(n, Vector512.Create(Ln2High / f), c);               // s = −r / f
        s = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low / f), s);
        float g = -f;                                                                           // coefficient k: f·g^k
        var p = Vector512.Create(f * g * g * g * g * g * P5);
        p = Vector512.FusedMultiplyAdd(p, s, Vector512.Create(f * g * g * g * g * P4));
        p = Vector512.FusedMultiplyAdd(p, s, Vector512.Create(f * g * g * g * P3));
        p = Vector512.FusedMultiplyAdd(p, s, Vector512.Create(f * g * g * P2));
        p = Vector512.FusedMultiplyAdd(p, s, Vector512.Create(f * g * P1));
        p = Vector512.FusedMultiplyAdd(p, s, Vector512.Create(f * P0));
        var w = Avx512F.FusedMultiplySubtract(p * s, s, s);                                    // ((p·r)·r + r) / f
        var y = Vector512.FusedMultiplyAdd(w, Vector512.Create(f), Vector512<float>.One);      // (p·r)·r + r + 1
        return Avx512F.Scale(y, n);
    }

    /// <summary>x limited to [−<paramref name="limit"/>, <paramref name="limit"/>]; NaN stays NaN (the JIT puts x
    /// second in vmaxps and vminps, the operand they return when either is NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ClampMagnitude(Vector512<float> x, float limit) =>
        Vector512.Min(Vector512.Max(x, Vector512.Create(-limit)), Vector512.Create(limit));
}
