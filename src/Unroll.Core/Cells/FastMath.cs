using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Unroll.Core.Cells;

/// <summary>
/// Vectorised float activations for the fused cell kernels: σ(x) = 1 / (1 + e^(−x)) and tanh(x) = 2σ(2x) − 1, on
/// <see cref="Vector{T}"/> with <see cref="Vector.Exp(Vector{float})"/>. Both saturate cleanly (e^(±∞) gives 0 or 1,
/// NaN stays NaN). tanh near 0 loses a little relative accuracy to the subtraction (an absolute error of about one
/// float ulp of 1), well inside float32 tolerance; double networks use the exact scalar path.
/// </summary>
internal static class FastMath
{
    /// <summary>Whether the float kernels use 16-lane Vector512 (tests switch it off to cover the narrower path).</summary>
    internal static bool UseVector512 { get; set; } = Vector512.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        var two = Vector512.Create(2f);
        return two / (Vector512<float>.One + Exp(-two * x)) - Vector512<float>.One;
    }

    /// <summary>
    /// e^x in float, 16 lanes: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two for an exact reduction), e^r by
    /// Cephes' degree-6 polynomial (within about 1 ulp), then 2^n put into the exponent bits. Inputs are clamped to
    /// [−87, 88] (e^88 = 1.7e38 still fits; below e^−87 the activations are already exactly saturated); NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        var clamped = Vector512.Min(Vector512.Max(x, Vector512.Create(-87f)), Vector512.Create(88f));
        var n = Vector512.Round(clamped * Vector512.Create(1.44269504088896341f));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-0.693359375f), clamped);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(2.12194440e-4f), r);
        var p = Vector512.Create(1.9875691500e-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        var y = Vector512.FusedMultiplyAdd(p * r, r, r) + Vector512<float>.One;
        var scale = (Vector512.ConvertToInt32(n) + Vector512.Create(127)) << 23;
        var result = y * scale.AsSingle();
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), result, x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sigmoid(Vector<float> x) => Vector<float>.One / (Vector<float>.One + Vector.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Tanh(Vector<float> x)
    {
        var two = new Vector<float>(2f);
        return two / (Vector<float>.One + Vector.Exp(-two * x)) - Vector<float>.One;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => 2f / (1f + MathF.Exp(-2f * x)) - 1f;
}
