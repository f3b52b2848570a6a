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
    public static Vector512<float> Sigmoid(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Vector512.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        var two = Vector512.Create(2f);
        return two / (Vector512<float>.One + Vector512.Exp(-two * x)) - Vector512<float>.One;
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
