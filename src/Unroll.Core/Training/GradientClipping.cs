using System.Numerics;

namespace Unroll.Core.Training;

/// <summary>Global-norm gradient clipping, as PyTorch's clip_grad_norm_.</summary>
public static class GradientClipping
{
    /// <summary>The L2 norm of all gradients together, accumulated in double.</summary>
    public static double GlobalNorm<T>(IEnumerable<Parameter<T>> parameters) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        foreach (var p in parameters)
            foreach (var g in p.Gradient)
            {
                double d = double.CreateChecked(g);
                sum += d * d;
            }
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
            foreach (var p in parameters)
                for (int i = 0; i < p.Gradient.Length; i++) p.Gradient[i] *= s;
        }
        return norm;
    }
}
