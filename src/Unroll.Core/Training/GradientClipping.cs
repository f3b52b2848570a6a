using System.Numerics;
using System.Numerics.Tensors;

namespace Unroll.Core.Training;

/// <summary>Global-norm gradient clipping, as PyTorch's clip_grad_norm_.</summary>
public static class GradientClipping
{
    /// <summary>The L2 norm of all gradients together, accumulated in double.</summary>
    public static double GlobalNorm<T>(IEnumerable<Parameter<T>> parameters) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        foreach (var p in parameters) sum += SumOfSquares(p.Gradient);
        return Math.Sqrt(sum);
    }

    /// <summary>
    /// Scales all gradients by max / (norm + 1e−6) when their global norm exceeds <paramref name="maxNorm"/>.
    /// Returns the norm before clipping.
    /// </summary>
    public static double ClipGlobalNorm<T>(IReadOnlyList<Parameter<T>> parameters, double maxNorm) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(maxNorm > 0)) throw new ArgumentException($"the clipping norm must be positive, got {maxNorm}");
        double norm = GlobalNorm(parameters);
        double scale = maxNorm / (norm + 1e-6);
        if (scale < 1 && double.IsFinite(norm))
        {
            T s = T.CreateChecked(scale);
            foreach (var p in parameters) TensorPrimitives.Multiply(p.Gradient, s, p.Gradient);
        }
        return norm;
    }

    /// <summary>Σ x², accumulated in double (float values are widened lane by lane).</summary>
    internal static double SumOfSquares<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            var x = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(values);
            var acc = Vector<double>.Zero;
            int i = 0;
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(x[i..]), out var low, out var high);
                acc += low * low + high * high;
            }
            double sum = Vector.Sum(acc);
            for (; i < x.Length; i++) sum += (double)x[i] * x[i];
            return sum;
        }
        double total = 0;
        foreach (var v in values)
        {
            double d = double.CreateChecked(v);
            total += d * d;
        }
        return total;
    }
}
