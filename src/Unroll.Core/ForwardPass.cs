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
    private readonly int _hidden, _gateRows;

    internal ForwardPass(SequenceBatch<T> batch, NetworkShape shape)
    {
        int layers = shape.Layers;
        (_hidden, _gateRows) = (shape.HiddenSize, shape.GateRows);
        Batch = batch;
        Gates = new T[layers][];
        Hidden = new T[layers][];
        Cell = new T[layers][];
        HiddenN = new T[layers][];
        InitialHidden = new T[layers][];
        InitialCell = new T[layers][];
    }

    /// <summary>The packed input.</summary>
    public SequenceBatch<T> Batch { get; private set; }

    /// <summary>
    /// False for <see cref="RecurrentNetwork{T}.Infer"/>'s own pass, which nothing reads but its outputs and final state:
    /// a layer whose steps run as joint products in shares then keeps each step's gates in its thread's own buffer
    /// (<see cref="Layers.ShareBuffers{T}.Forward"/>), not in the tape.
    /// </summary>
    internal bool KeepsGates { get; init; } = true;

    /// <summary>Set once a training step's backward pass has overwritten the tape with gradients.</summary>
    internal bool Consumed { get; set; }

    /// <summary>Points this pass at a new batch so its tape arrays can be reused.</summary>
    internal ForwardPass<T> Rebind(SequenceBatch<T> batch)
    {
        Batch = batch;
        Consumed = false;
        return this;
    }

    /// <summary>The head's output for each sequence's last step: (B × O), input order. A read-only view.</summary>
    public ReadOnlySpan<T> Outputs => OutputArray;

    /// <summary>The array behind <see cref="Outputs"/>: fresh for every pass, so <see cref="RecurrentNetwork{T}.Infer"/> hands it out.</summary>
    internal T[] OutputArray { get; set; } = [];

    /// <summary>The state after each sequence's last step, ready to continue the sequences.</summary>
    public RecurrentState<T> FinalState { get; internal set; } = null!;

    // The tape, one entry per layer; what each backward step reads.
    internal T[][] Gates { get; }          // (N × GH): LSTM/GRU activated gates; Elman pre-activations (unused by backward)
    internal T[][] Hidden { get; }         // (N × H): h of every step: layer output, and φ' for Elman
    internal T[][] Cell { get; }           // (N × H): LSTM c of every step
    internal T[][] HiddenN { get; }        // (N × H): GRU W_hn·h' + b_hn of every step
    internal T[][] InitialHidden { get; }  // (B × H), sorted order
    internal T[][] InitialCell { get; }    // (B × H), sorted order, LSTM
    internal T[] LastHidden { get; set; } = [];  // (B × H), input order: the head's input, the top layer's final h

    /// <summary>The number of stacked recurrent layers the pass ran through.</summary>
    public int Layers => Hidden.Length;

    /// <summary>
    /// Layer <paramref name="layer"/>'s gate values at every step of input sequence <paramref name="sequence"/>:
    /// (length × G·H). LSTM: the activated gates [i | f | g | o]; GRU: the activated gates [r | z | n];
    /// Elman RNN: the pre-activation a = W_ih·x + b_ih + W_hh·h' + b_hh.
    /// </summary>
    public T[] GatesOf(int layer, int sequence) => StepsOf(Gates, _gateRows, layer, sequence, nameof(GatesOf));

    /// <summary>Layer <paramref name="layer"/>'s hidden state h at every step of input sequence <paramref name="sequence"/>: (length × H).</summary>
    public T[] HiddenOf(int layer, int sequence) => StepsOf(Hidden, _hidden, layer, sequence, nameof(HiddenOf));

    /// <summary>An LSTM layer's cell state c at every step of input sequence <paramref name="sequence"/>: (length × H).</summary>
    /// <exception cref="InvalidOperationException">The network is not an LSTM.</exception>
    public T[] CellOf(int layer, int sequence) => StepsOf(Cell, _hidden, layer, sequence, nameof(CellOf));

    /// <summary>A GRU layer's hidden term W_hn·h' + b_hn at every step of input sequence <paramref name="sequence"/>: (length × H).</summary>
    /// <exception cref="InvalidOperationException">The network is not a GRU.</exception>
    public T[] HiddenTermOf(int layer, int sequence) => StepsOf(HiddenN, _hidden, layer, sequence, nameof(HiddenTermOf));

    /// <summary>The hidden state layer <paramref name="layer"/> started from for input sequence <paramref name="sequence"/>: (H).</summary>
    public T[] InitialHiddenOf(int layer, int sequence) => InitialOf(InitialHidden, layer, sequence, nameof(InitialHiddenOf));

    /// <summary>The cell state an LSTM layer started from for input sequence <paramref name="sequence"/>: (H).</summary>
    /// <exception cref="InvalidOperationException">The network is not an LSTM.</exception>
    public T[] InitialCellOf(int layer, int sequence) => InitialOf(InitialCell, layer, sequence, nameof(InitialCellOf));

    // (N × width) packed tape (its array may be longer when reused) → (length × width) rows of one sequence, in step order.
    private T[] StepsOf(T[][] tape, int width, int layer, int sequence, string what)
        => Batch.StepsOf(TapeOf(tape, layer, sequence, what), width, sequence);

    // (B × H) sorted-order initial state → the (H) row of one input sequence.
    private T[] InitialOf(T[][] tape, int layer, int sequence, string what)
    {
        var sorted = TapeOf(tape, layer, sequence, what);
        return sorted.AsSpan(Batch.InputToSorted[sequence] * _hidden, _hidden).ToArray();
    }

    private T[] TapeOf(T[][] tape, int layer, int sequence, string what)
    {
        if ((uint)layer >= (uint)Layers)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"{what}: layer {layer} does not exist; the network has layers 0 to {Layers - 1}");
        if ((uint)sequence >= (uint)Batch.Count)
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence, $"{what}: sequence {sequence} does not exist; the batch has sequences 0 to {Batch.Count - 1}");
        var values = tape[layer];
        if (values is null || values.Length == 0)
            throw new InvalidOperationException($"{what}: this network's cell keeps no such values (cell states are LSTM only, hidden terms GRU only)");
        return values;
    }

}
