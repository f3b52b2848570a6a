using System.Numerics;

namespace Unroll.Core;

/// <summary>
/// The hidden state (and, for LSTM, the cell state) of every layer for every sequence of a batch, in input order:
/// pass the final state of one call as the initial state of the next to stream a sequence piece by piece.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class RecurrentState<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates a state from per-layer (B × H) arrays.</summary>
    public RecurrentState(T[][] hidden, T[][]? cell)
    {
        Hidden = hidden;
        Cell = cell;
    }

    /// <summary>h per layer: (B × H), row i for input sequence i.</summary>
    public T[][] Hidden { get; }

    /// <summary>c per layer for LSTM: (B × H); null for other cells.</summary>
    public T[][]? Cell { get; }

    /// <summary>A zero state for <paramref name="count"/> sequences.</summary>
    public static RecurrentState<T> Zeros(NetworkShape shape, int count)
    {
        var hidden = new T[shape.Layers][];
        var cell = shape.Cell == CellKind.Lstm ? new T[shape.Layers][] : null;
        for (int l = 0; l < shape.Layers; l++)
        {
            hidden[l] = new T[count * shape.HiddenSize];
            if (cell is not null) cell[l] = new T[count * shape.HiddenSize];
        }
        return new RecurrentState<T>(hidden, cell);
    }

    internal void Validate(NetworkShape shape, int count)
    {
        int expected = count * shape.HiddenSize;
        if (Hidden.Length != shape.Layers)
            throw new ArgumentException($"the initial state has {Hidden.Length} layers, the network has {shape.Layers}");
        foreach (var h in Hidden)
            if (h.Length != expected)
                throw new ArgumentException($"an initial hidden state has {h.Length} values, expected {count} sequences × {shape.HiddenSize} units = {expected}");
        if (shape.Cell == CellKind.Lstm)
        {
            if (Cell is null || Cell.Length != shape.Layers || Cell.Any(c => c.Length != expected))
                throw new ArgumentException($"an LSTM's initial state needs a cell state of {count} × {shape.HiddenSize} per layer");
        }
    }
}
