// Glossary: rows r (B sequences' last steps, or one sequence's steps), H hidden, O outputs. Shapes (rows × columns).
using System.Numerics;
using Unroll.Numerics;

namespace Unroll.Core.Layers;

/// <summary>The linear head on the top layer's hidden state, PyTorch's <c>nn.Linear</c>: forward and backward side by side.</summary>
/// <remarks><c>y = h·Wᵀ + b</c>. Backward: <c>dW += dyᵀ·h</c>, <c>db += Σ_rows dy</c>, <c>dh = dy·W</c>. The forward
/// keeps nothing: the backward reads the h it was given (the pass keeps the top layer's last states).</remarks>
internal sealed class LinearHead<T>(Parameter<T> weight, Parameter<T> bias) where T : unmanaged, IFloatingPointIeee754<T>
{
    private int Hidden => weight.Shape[1];
    private int Outputs => weight.Shape[0];

    /// <summary>y (rows × O) = h (rows × H) · Wᵀ + b.</summary>
    public void Forward(ReadOnlySpan<T> h, int rows, Span<T> y)
    {
        int hidden = Hidden, outputs = Outputs;
        MatrixRows.Fill<T>(y, bias.Value, rows);
        Gemm.Multiply<T>(Transpose.No, Transpose.Yes, rows, outputs, hidden, h, hidden, weight.Value, hidden, y, outputs, accumulate: true);
    }

    /// <summary>dW (O × H) += dyᵀ·h; db (O) += Σ dy; dh (rows × H) = dy·W, overwritten.</summary>
    public void Backward(ReadOnlySpan<T> h, ReadOnlySpan<T> dy, int rows, Span<T> dh)
    {
        int hidden = Hidden, outputs = Outputs;
        Gemm.Multiply<T>(Transpose.Yes, Transpose.No, outputs, hidden, rows, dy, outputs, h, hidden, weight.Gradient, hidden, accumulate: true);
        MatrixRows.ColumnSums(dy, rows, bias.Gradient, accumulate: true);
        Gemm.Multiply<T>(Transpose.No, Transpose.No, rows, hidden, outputs, dy, outputs, weight.Value, hidden, dh, hidden, accumulate: false);
    }
}
