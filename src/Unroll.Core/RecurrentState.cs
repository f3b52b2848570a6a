using System.Collections.ObjectModel;
using System.Numerics;

namespace Unroll.Core;

/// <summary>
/// The hidden state (and, for LSTM, the cell state) of every layer for every sequence of a batch, in input order:
/// pass the final state of one call as the initial state of the next to stream a sequence piece by piece. Read-only.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class RecurrentState<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private ReadOnlyCollection<ReadOnlyMemory<T>>? _hiddenView, _cellView;

    /// <summary>Creates a state from per-layer (B × H) arrays, copied: changing them afterwards does not change the state.</summary>
    public RecurrentState(T[][] hidden, T[][]? cell)
        : this((Copy(hidden ?? throw new ArgumentNullException(nameof(hidden))), cell is null ? null : Copy(cell)))
    {
    }

    private RecurrentState((T[][] Hidden, T[][]? Cell) owned) => (HiddenArrays, CellArrays) = owned;

    /// <summary>A state that owns <paramref name="hidden"/> and <paramref name="cell"/> (no copy): for arrays no one else holds.</summary>
    internal static RecurrentState<T> Own(T[][] hidden, T[][]? cell) => new((hidden, cell));

    /// <summary>h per layer: (B × H), row i for input sequence i.</summary>
    public IReadOnlyList<ReadOnlyMemory<T>> Hidden => _hiddenView ??= View(HiddenArrays);

    /// <summary>c per layer for LSTM: (B × H); null for other cells.</summary>
    public IReadOnlyList<ReadOnlyMemory<T>>? Cell => CellArrays is null ? null : _cellView ??= View(CellArrays);

    /// <summary>The arrays behind <see cref="Hidden"/>, which the network reads.</summary>
    internal T[][] HiddenArrays { get; }

    /// <summary>The arrays behind <see cref="Cell"/>.</summary>
    internal T[][]? CellArrays { get; }

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
        return Own(hidden, cell);
    }

    internal void Validate(NetworkShape shape, int count)
    {
        int expected = count * shape.HiddenSize;
        if (HiddenArrays.Length != shape.Layers)
            throw new ArgumentException($"the initial state has {HiddenArrays.Length} layers, the network has {shape.Layers}");
        foreach (var h in HiddenArrays)
            if (h.Length != expected)
                throw new ArgumentException($"an initial hidden state has {h.Length} values, expected {count} sequences × {shape.HiddenSize} units = {expected}");
        if (shape.Cell == CellKind.Lstm)
        {
            if (CellArrays is null || CellArrays.Length != shape.Layers || CellArrays.Any(c => c.Length != expected))
                throw new ArgumentException($"an LSTM's initial state needs a cell state of {count} × {shape.HiddenSize} per layer");
        }
    }

    private static T[][] Copy(T[][] layers) => Array.ConvertAll(layers, a => a is null ? null! : (T[])a.Clone());

    private static ReadOnlyCollection<ReadOnlyMemory<T>> View(T[][] layers) =>
        Array.AsReadOnly(Array.ConvertAll(layers, a => (ReadOnlyMemory<T>)a));
}
