using System.Numerics;

namespace Unroll.Core.Tests;

public static class TestData
{
    /// <summary>Ragged random sequences, seeded: lengths as given, features ~ U(−1, 1).</summary>
    public static List<IReadOnlyList<T[]>> Sequences<T>(int seed, int inputSize, params int[] lengths)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        return lengths.Select(len => (IReadOnlyList<T[]>)Enumerable.Range(0, len)
            .Select(_ => Enumerable.Range(0, inputSize).Select(_ => T.CreateChecked(random.NextDouble() * 2 - 1)).ToArray())
            .ToList()).ToList();
    }

    public static double[] Flat(double[][] rows) => rows.SelectMany(r => r).ToArray();

    /// <summary>Sum of squared residuals and its gradient.</summary>
    public static (T Loss, T[] Gradient) SumSquared<T>(ReadOnlySpan<T> outputs, T[] targets) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T loss = T.Zero;
        var grad = new T[outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            T r = outputs[i] - targets[i];
            loss += r * r;
            grad[i] = r + r;
        }
        return (loss, grad);
    }

    public static void Close(double expected, double actual, double relative, double absolute, string what)
    {
        double tolerance = absolute + relative * Math.Max(Math.Abs(expected), Math.Abs(actual));
        Assert.True(Math.Abs(expected - actual) <= tolerance,
            $"{what}: expected {expected:R}, got {actual:R} (difference {Math.Abs(expected - actual):E3}, tolerance {tolerance:E3})");
    }
}
