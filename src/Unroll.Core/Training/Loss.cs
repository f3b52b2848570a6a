using System.Numerics;

namespace Unroll.Core.Training;

/// <summary>The loss a network is trained on, comparing each output with its target.</summary>
public enum LossKind
{
    /// <summary>Sum of squared residuals, Σ (y − t)², as in the classic example.</summary>
    SumSquared,
    /// <summary>Mean squared error, the mean of (y − t)² (PyTorch's MSELoss).</summary>
    MeanSquared,
    /// <summary>Mean absolute error, the mean of |y − t| (PyTorch's L1Loss).</summary>
    MeanAbsolute,
    /// <summary>Huber loss with threshold δ, averaged (PyTorch's HuberLoss): ½r² if |r| &lt; δ, else δ(|r| − ½δ).</summary>
    Huber,
}

/// <summary>Loss values and their gradients with respect to the outputs.</summary>
/// <remarks>Names (<see cref="Names"/>): ssr, mse, mae, huber.</remarks>
public static class Losses
{
    /// <summary>The names: ssr (sum of squared residuals), mse, mae, huber.</summary>
    public static NameTable<LossKind> Names { get; } = new(
        (LossKind.SumSquared, "ssr", ["sum_squared"]),
        (LossKind.MeanSquared, "mse", ["mean_squared"]),
        (LossKind.MeanAbsolute, "mae", ["mean_absolute", "l1"]),
        (LossKind.Huber, "huber", []));

    /// <summary>
    /// Computes the loss of <paramref name="outputs"/> against <paramref name="targets"/> and writes dLoss/dOutputs
    /// into <paramref name="gradient"/>.
    /// </summary>
    /// <param name="kind">Which loss.</param>
    /// <param name="outputs">The network's outputs, (B × O).</param>
    /// <param name="targets">The targets, same length.</param>
    /// <param name="gradient">Receives dLoss/dOutputs, same length.</param>
    /// <param name="huberDelta">δ for <see cref="LossKind.Huber"/>.</param>
    public static T Compute<T>(LossKind kind, ReadOnlySpan<T> outputs, ReadOnlySpan<T> targets, Span<T> gradient, double huberDelta = 1.0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (outputs.Length != targets.Length || gradient.Length != outputs.Length)
            throw new ArgumentException($"{outputs.Length} outputs, {targets.Length} targets and {gradient.Length} gradient slots must match");
        if (outputs.Length == 0) return T.Zero;
        T n = T.CreateChecked(outputs.Length), delta = T.CreateChecked(huberDelta), two = T.CreateChecked(2), half = T.CreateChecked(0.5);
        T loss = T.Zero;
        for (int i = 0; i < outputs.Length; i++)
        {
            T r = outputs[i] - targets[i];
            switch (kind)
            {
                case LossKind.SumSquared:
                    loss += r * r; gradient[i] = two * r; break;
                case LossKind.MeanSquared:
                    loss += r * r; gradient[i] = two * r / n; break;
                case LossKind.MeanAbsolute:
                    loss += T.Abs(r); gradient[i] = T.CreateChecked(T.Sign(r)) / n; break;
                case LossKind.Huber:
                    if (T.Abs(r) < delta) { loss += half * r * r; gradient[i] = r / n; }
                    else { loss += delta * (T.Abs(r) - half * delta); gradient[i] = delta * T.CreateChecked(T.Sign(r)) / n; }
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
            }
        }
        return kind == LossKind.SumSquared ? loss : loss / n;
    }
}
