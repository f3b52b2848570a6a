// Glossary: B sequences, N total steps (packed rows), H hidden, G gates, I inputs, O outputs.
using System.Numerics;

namespace Unroll.Core;

/// <summary>
/// The result of a forward pass: the head's outputs per sequence, the final state, and the tape of
/// activations that <see cref="RecurrentNetwork{T}.Backward"/> reads.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class ForwardPass<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal ForwardPass(SequenceBatch<T> batch, int layers)
    {
        Batch = batch;
        Gates = new T[layers][];
        Hidden = new T[layers][];
        Cell = new T[layers][];
        HiddenN = new T[layers][];
        InitialHidden = new T[layers][];
        InitialCell = new T[layers][];
    }

    /// <summary>The packed input.</summary>
    public SequenceBatch<T> Batch { get; }

    /// <summary>The head's output for each sequence's last step: (B × O), input order.</summary>
    public T[] Outputs { get; internal set; } = [];

    /// <summary>The state after each sequence's last step, ready to continue the sequences.</summary>
    public RecurrentState<T> FinalState { get; internal set; } = null!;

    // The tape, one entry per layer; what each backward step reads.
    internal T[][] Gates { get; }          // (N × GH): LSTM/GRU activated gates; Elman pre-activations (unused by backward)
    internal T[][] Hidden { get; }         // (N × H): h of every step: layer output, and φ' for Elman
    internal T[][] Cell { get; }           // (N × H): LSTM c of every step
    internal T[][] HiddenN { get; }        // (N × H): GRU W_hn·h' + b_hn of every step
    internal T[][] InitialHidden { get; }  // (B × H), sorted order
    internal T[][] InitialCell { get; }    // (B × H), sorted order, LSTM
    internal T[] LastHidden { get; set; } = [];  // (B × H), input order: the head's input

    /// <summary>The last layer's hidden state at every step of input sequence <paramref name="sequence"/>: (length × H).</summary>
    public T[] TopHiddenOf(int sequence, int hidden)
    {
        int length = Batch.Lengths[sequence], j = Batch.InputToSorted[sequence];
        var top = Hidden[^1];
        var result = new T[length * hidden];
        for (int t = 0; t < length; t++)
            top.AsSpan(Batch.Row(t, j) * hidden, hidden).CopyTo(result.AsSpan(t * hidden, hidden));
        return result;
    }
}
