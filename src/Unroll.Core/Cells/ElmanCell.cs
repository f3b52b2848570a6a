// Glossary: b rows (sequences running at this step), H hidden units.
//   W      lanes per vector of a path: Vector<T>.Count (the runtime's width), 1 (scalar)
// Plain reference (double loops, forward and backward, one sequence at a time):
//   tests/Unroll.Core.Tests/Reference/ReferenceNetwork.cs
using System.Diagnostics;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using Unroll.Numerics;

namespace Unroll.Core.Cells;

/// <summary>The Elman RNN step, forward and backward side by side.</summary>
/// <remarks>
/// <c>a = W_ih·x + b_ih + W_hh·h' + b_hh</c>, <c>h = φ(a)</c> with φ = ReLU or tanh.
/// Backward: <c>da = dh ⊙ φ'(a)</c> where φ' is read off h alone: ReLU' = [h &gt; 0], tanh' = 1 − h².
/// The backward needs only h (the tape also keeps the pre-activations, which <c>explain</c> shows).
/// </remarks>
/// <seealso cref="CellKind.RnnRelu"/>
/// <seealso cref="CellKind.RnnTanh"/>
internal static class ElmanCell
{
    /// <summary>h = φ(a). <paramref name="a"/> (b × H) is the full pre-activation.</summary>
    public static void Forward<T>(CellKind kind, ReadOnlySpan<T> a, Span<T> h) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Debug.Assert(a.Length == h.Length);
        if (kind == CellKind.RnnRelu)
            TensorPrimitives.Max(a, T.Zero, h);
        else
            TensorPrimitives.Tanh(a, h);
    }

    /// <summary>da = dh ⊙ φ'(a), with φ' computed from the cached h.</summary>
    public static void Backward<T>(CellKind kind, ReadOnlySpan<T> h, ReadOnlySpan<T> dh, Span<T> da, CellSimd simd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Debug.Assert(h.Length == dh.Length && dh.Length == da.Length);
        int i = 0;
        if (simd >= CellSimd.Vector512)
            i = Units<T, Vector512<T>, Simd512<T>>.Backward(kind, h, dh, da, i);
        if (simd >= CellSimd.Vector && Vector.IsHardwareAccelerated)
            i = Units<T, Vector<T>, SimdVector<T>>.Backward(kind, h, dh, da, i);
        Units<T, T, SimdScalar<T>>.Backward(kind, h, dh, da, i);
    }

    /// <summary>The equation for W values at a time (<typeparamref name="TOps"/>'s width); returns the first value it left.</summary>
    private static class Units<T, TV, TOps>
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        /// <summary>ReLU: da = dh where h &gt; 0, else 0; tanh: da = dh ⊙ (1 − h²).</summary>
        public static int Backward(CellKind kind, ReadOnlySpan<T> h, ReadOnlySpan<T> dh, Span<T> da, int i)
        {
            int w = TOps.Count;
            var one = Lanes<T, TV, TOps>.One;
            for (; i <= h.Length - w; i += w)
            {
                var hv = Lanes<T, TV, TOps>.Load(h, i);
                var dhv = Lanes<T, TV, TOps>.Load(dh, i);
                var result = kind == CellKind.RnnRelu ? Lanes<T, TV, TOps>.WherePositive(hv, dhv) : dhv * (one - hv * hv);
                result.Store(da, i);
            }
            return i;
        }
    }
}
