using System.Numerics;

namespace Unroll.Core;

/// <summary>A named tensor of trainable values, PyTorch-named and shaped, with its gradient beside it.</summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class Parameter<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates a zero-filled parameter.</summary>
    public Parameter(string name, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Name = name;
        Shape = Array.AsReadOnly((int[])shape.Clone());
        int count = 1;
        foreach (var d in shape) count = checked(count * d);
        Value = new T[count];
        Gradient = new T[count];
    }

    /// <summary>A parameter that holds <paramref name="values"/>'s very array of values, with a gradient of its own.</summary>
    internal Parameter(Parameter<T> values)
    {
        (Name, Shape, Value) = (values.Name, values.Shape, values.Value);
        Gradient = new T[Value.Length];
    }

    /// <summary>PyTorch's name, e.g. <c>rnn.weight_hh_l0</c>.</summary>
    public string Name { get; }

    /// <summary>Shape, row-major: (rows, columns) for weights, (length) for biases. Read-only: a copy of the shape given.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The values, row-major.</summary>
    public T[] Value { get; }

    /// <summary>The gradient of the last backward pass (accumulated until <see cref="ZeroGradient"/>).</summary>
    public T[] Gradient { get; }

    /// <summary>Sets the gradient to zero.</summary>
    public void ZeroGradient() => Array.Clear(Gradient);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({string.Join(" × ", Shape)})";
}
