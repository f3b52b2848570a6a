// Glossary: b rows (sequences running at this step), H hidden units.
using System.Diagnostics;
using System.Numerics;
using System.Numerics.Tensors;

namespace Unroll.Core.Cells;

/// <summary>The Elman RNN step, forward and backward side by side.</summary>
/// <remarks>
/// <c>a = W_ih·x + b_ih + W_hh·h' + b_hh</c>, <c>h = φ(a)</c> with φ = ReLU or tanh.
/// Backward: <c>da = dh ⊙ φ'(a)</c> where φ' is read off h alone: ReLU' = [h &gt; 0], tanh' = 1 − h².
/// The backward needs only h (the tape also keeps the pre-activations, which <c>explain</c> shows).
/// </remarks>
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
    public static void Backward<T>(CellKind kind, ReadOnlySpan<T> h, ReadOnlySpan<T> dh, Span<T> da) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Debug.Assert(h.Length == dh.Length && dh.Length == da.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= h.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var hv = new Vector<T>(h[i..]);
                var dhv = new Vector<T>(dh[i..]);
                var result = kind == CellKind.RnnRelu
                    ? Vector.ConditionalSelect(Vector.GreaterThan(hv, Vector<T>.Zero), dhv, Vector<T>.Zero)
                    : dhv * (Vector<T>.One - hv * hv);
                result.CopyTo(da[i..]);
            }
        }
        if (kind == CellKind.RnnRelu)
            for (; i < h.Length; i++) da[i] = h[i] > T.Zero ? dh[i] : T.Zero;
        else
            for (; i < h.Length; i++) da[i] = dh[i] * (T.One - h[i] * h[i]);
    }
}
