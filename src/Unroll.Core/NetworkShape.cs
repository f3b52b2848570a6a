namespace Unroll.Core;

/// <summary>The architecture of a recurrent network: cell, sizes, stacked layers and the linear head.</summary>
/// <param name="Cell">The recurrent cell.</param>
/// <param name="InputSize">I, features per step.</param>
/// <param name="HiddenSize">H, hidden units per layer.</param>
/// <param name="Layers">Stacked recurrent layers (1 or more).</param>
/// <param name="OutputSize">Outputs of the linear head on the last layer's final hidden state.</param>
public sealed record NetworkShape(CellKind Cell, int InputSize, int HiddenSize, int Layers = 1, int OutputSize = 1)
{
    /// <summary>G·H, the rows of each layer's <c>weight_ih</c> and <c>weight_hh</c>.</summary>
    public int GateRows => (int)Math.Min(int.MaxValue, (long)Cell.GateCount() * HiddenSize);

    /// <summary>Throws <see cref="ArgumentException"/> when a size is not positive.</summary>
    public void Validate()
    {
        if (InputSize < 1) throw new ArgumentException($"input size must be at least 1, got {InputSize}");
        if (HiddenSize < 1) throw new ArgumentException($"hidden size must be at least 1, got {HiddenSize}");
        if (Layers < 1) throw new ArgumentException($"layers must be at least 1, got {Layers}");
        if (OutputSize < 1) throw new ArgumentException($"output size must be at least 1, got {OutputSize}");
        if (!Enum.IsDefined(Cell)) throw new ArgumentException($"unknown cell kind {Cell}");
        if ((long)GateRows * Math.Max(InputSize, HiddenSize) > Array.MaxLength)
            throw new ArgumentException($"a {Cell.ToName()} layer with {InputSize} inputs and {HiddenSize} hidden units has more weights than one array can hold; use a smaller hidden size");
    }

    /// <summary>Input size of layer <paramref name="layer"/>: I for the first, H above it.</summary>
    public int LayerInputSize(int layer) => layer == 0 ? InputSize : HiddenSize;

    /// <summary>Total number of trainable scalars.</summary>
    public long ParameterCount
    {
        get
        {
            long total = 0;
            for (int l = 0; l < Layers; l++)
                total += (long)GateRows * (LayerInputSize(l) + HiddenSize + 2);
            return total + (long)OutputSize * (HiddenSize + 1);
        }
    }
}
