// Glossary: B sequences, N total steps (packed rows), H hidden, G gates, GH = G·H gate rows. Shapes (rows × columns).
using System.Numerics;

namespace Unroll.Core.Layers;

/// <summary>
/// The scratch arrays of a network's passes, each grown to the largest batch seen and kept, so that a training loop
/// allocates nothing per step once sizes settle. Every layer uses them in turn; a network runs one pass at a time.
/// Each accessor returns its array with at least the length asked for (it may be longer).
/// </summary>
internal sealed class Workspace<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _fusedBias = [], _dLast = [], _dHidden = [], _dGates = [], _dHiddenN = [], _biasGradient = [];

    /// <summary>The array in <paramref name="slot"/> if it holds at least <paramref name="length"/> values, else a new one there.</summary>
    public static T[] Grow(ref T[] slot, int length)
    {
        if (slot is null || slot.Length < length) slot = new T[length];
        return slot;
    }

    // ---------------------------------------------------------------- forward

    /// <summary>(GH) b_ih + b_hh, folded into the input projection (b_ih alone for GRU).</summary>
    public T[] FusedBias(int length) => Grow(ref _fusedBias, length);

    // ---------------------------------------------------------------- backward

    /// <summary>(B × H), input order: dLoss/dh at each sequence's last step of the top layer, from the head.</summary>
    public T[] DLast(int length) => Grow(ref _dLast, length);

    /// <summary>(N × H): dLoss/dh from the layer above, per packed row (its dX), when the tape is kept.</summary>
    public T[] DHidden(int length) => Grow(ref _dHidden, length);

    /// <summary>(N × GH): the pre-activation gradients of a layer (the input half for GRU), when the tape is kept.</summary>
    public T[] DGates(int length) => Grow(ref _dGates, length);

    /// <summary>(N × H) GRU: the n block of the hidden half's gradient, dA_n ⊙ r, for dW_hn and db_hn.</summary>
    public T[] DHiddenN(int length) => Grow(ref _dHiddenN, length);

    /// <summary>(GH): the column sums of a gradient, a bias's share.</summary>
    public T[] BiasGradient(int length) => Grow(ref _biasGradient, length);
}
