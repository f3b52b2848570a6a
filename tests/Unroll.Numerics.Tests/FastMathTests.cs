// Glossary: ulp, the spacing of floats at the float nearest the exact value; the exact value is double Math.Exp,
// Math.Tanh or 1 / (1 + Math.Exp(−x)) of the float input.
using System.Numerics;
using System.Runtime.Intrinsics;
using Xunit;

namespace Unroll.Numerics.Tests;

/// <summary>FastMath's e^x over its whole range, and σ and tanh at every width the cells use, against double.</summary>
public class FastMathTests
{
    [Fact]
    public void Exp_EveryFloatExponentAndSign_WithinTheUlpBoundOrClamped()
    {
        var random = new Random(7);
        var inputs = new List<float>();
        for (int sign = 0; sign < 2; sign++)
            for (int exponent = 0; exponent <= 254; exponent++)      // every finite bucket, subnormals (0) included
            {
                var mantissas = new List<int> { 0, 1, 0x400000, 0x7FFFFF };
                for (int k = 0; k < 60; k++) mantissas.Add(random.Next(0x800000));
                foreach (int m in mantissas)
                    inputs.Add(BitConverter.Int32BitsToSingle((sign << 31) | (exponent << 23) | m));
            }
        // Densely through the range where results are neither clamped nor 1: the exponents of 2^-8 .. 2^7.
        for (int k = 0; k < 200_000; k++) inputs.Add((float)(random.NextDouble() * 175 - 87));
        var results = ExpOf(inputs);
        float low = ExpOf([-87f])[0], high = ExpOf([88f])[0];
        double worst = 0;
        for (int i = 0; i < inputs.Count; i++)
        {
            float x = inputs[i], y = results[i];
            if (x < -87f) Assert.Equal(low, y);
            else if (x > 88f) Assert.Equal(high, y);
            else worst = Math.Max(worst, Ulps(y, Math.Exp(x), $"e^{x:R}"));
        }
        Assert.InRange(worst, 0.5, FastMath.ExpUlpBound);   // the bound is met, and the test reached the hard cases
    }

    [Fact]
    public void Exp_RangeEdgesAndSpecialValues_AsDocumented()
    {
        float[] x =
        [
            -87f, 88f, MathF.BitDecrement(-87f), MathF.BitIncrement(88f), MathF.BitIncrement(-87f), MathF.BitDecrement(88f),
            float.NegativeInfinity, float.PositiveInfinity, float.MinValue, float.MaxValue, 0f, -0f, float.Epsilon, -float.Epsilon,
            float.NaN, BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00001)),
        ];
        var y = ExpOf(x);
        Assert.True(Ulps(y[0], Math.Exp(-87), "e^-87") <= FastMath.ExpUlpBound);
        Assert.True(Ulps(y[1], Math.Exp(88), "e^88") <= FastMath.ExpUlpBound);
        Assert.True(float.IsNormal(y[0]) && float.IsFinite(y[1]));
        Assert.Equal(y[0], y[2]);                                   // below −87: clamped to e^−87
        Assert.Equal(y[1], y[3]);                                   // above 88: clamped to e^88
        Assert.True(Ulps(y[4], Math.Exp(x[4]), "just above −87") <= FastMath.ExpUlpBound);
        Assert.True(Ulps(y[5], Math.Exp(x[5]), "just below 88") <= FastMath.ExpUlpBound);
        Assert.Equal(y[0], y[6]);                                   // −∞ → e^−87, not 0
        Assert.Equal(y[1], y[7]);                                   // +∞ → e^88, not ∞
        Assert.Equal(y[0], y[8]);
        Assert.Equal(y[1], y[9]);
        for (int i = 10; i < 14; i++) Assert.Equal(1f, y[i]);      // ±0 and the smallest subnormals: exactly 1
        Assert.True(float.IsNaN(y[14]) && float.IsNaN(y[15]));      // NaN, with any payload or sign, stays NaN
    }

    [Fact]
    public void Exp_IsTheSameAlgorithmInScalarFloats_BitForBit()
    {
        // The vector code against the same steps one float at a time (2^n applied by MathF.ScaleB): a change to the
        // reduction, the polynomial or the scaling that moved any result by a bit shows here, not only past the bound.
        var random = new Random(11);
        var inputs = new List<float> { -87f, 88f, -86.99f, 87.99f, 0f, -0f, 1f, -1f, 0.5f * MathF.Log(2f), -0.5f * MathF.Log(2f) };
        for (int k = 0; k < 100_000; k++) inputs.Add((float)(random.NextDouble() * 175 - 87));
        var results = ExpOf(inputs);
        for (int i = 0; i < inputs.Count; i++)
            Assert.True(BitConverter.SingleToInt32Bits(ScalarExp(inputs[i])) == BitConverter.SingleToInt32Bits(results[i]),
                $"e^{inputs[i]:R}: vector {results[i]:R}, scalar {ScalarExp(inputs[i]):R}");
    }

    /// <summary>FastMath.Exp's steps in scalar floats, for x in [−87, 88].</summary>
    private static float ScalarExp(float x)
    {
        float n = MathF.Round(x * 1.44269504088896341f);            // to nearest, ties to even, as the vector rounding
        float r = MathF.FusedMultiplyAdd(n, -0.693359375f, x);
        r = MathF.FusedMultiplyAdd(n, 2.12194440e-4f, r);
        float p = 1.9875691500e-4f;
        foreach (float c in new[] { 1.3981999507e-3f, 8.3334519073e-3f, 4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f })
            p = MathF.FusedMultiplyAdd(p, r, c);
        float y = MathF.FusedMultiplyAdd(p * r, r, r) + 1f;
        return MathF.ScaleB(y, (int)n);
    }

    [Fact]
    public void SigmoidAndTanh_16Lanes_AreTheCompositionWithExp_BitForBit()
    {
        // The fused 16-lane σ and tanh fold the negation and the factor −2 into e^x's steps; they must give exactly
        // 1 / (1 + e^(−x)) and 2 / (1 + e^(−2x)) − 1 built on FastMath.Exp, for every kind of float: each exponent and
        // sign with varied mantissas, the clamp's edges, the saturated ranges, ±0, subnormals, ±∞ and NaN.
        var random = new Random(5);
        var inputs = new List<float>
        {
            0f, -0f, float.Epsilon, -float.Epsilon, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, float.MinValue,
            float.NaN, BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00001)),
        };
        foreach (float edge in new[] { 43.5f, 44f, 87f, 88f })
            for (int sign = -1; sign <= 1; sign += 2)
                for (int step = -3; step <= 3; step++)
                {
                    float v = sign * edge;
                    for (int k = 0; k < Math.Abs(step); k++) v = step > 0 ? MathF.BitIncrement(v) : MathF.BitDecrement(v);
                    inputs.Add(v);
                }
        for (int sign = 0; sign < 2; sign++)
            for (int exponent = 0; exponent <= 254; exponent++)
                for (int k = 0; k < 400; k++)
                    inputs.Add(BitConverter.Int32BitsToSingle((sign << 31) | (exponent << 23) | random.Next(0x800000)));
        for (int k = 0; k < 300_000; k++) inputs.Add((float)(random.NextDouble() * 200 - 100));
        int padded = (inputs.Count + 15) / 16 * 16;
        var x = new float[padded];
        inputs.CopyTo(x);
        var one = Vector512<float>.One;
        var two = Vector512.Create(2f);
        for (int i = 0; i < padded; i += 16)
        {
            var v = Vector512.Create(x.AsSpan(i, 16));
            var sigmoid = FastMath.Sigmoid(v);
            var tanh = FastMath.Tanh(v);
            var sigmoidComposed = one / (one + FastMath.Exp(-v));
            var tanhComposed = two / (one + FastMath.Exp(-two * v)) - one;
            for (int lane = 0; lane < 16; lane++)
            {
                Assert.True(SameBits(sigmoid[lane], sigmoidComposed[lane]), $"σ({x[i + lane]:R}) = {sigmoid[lane]:R}, composed {sigmoidComposed[lane]:R}");
                Assert.True(SameBits(tanh[lane], tanhComposed[lane]), $"tanh({x[i + lane]:R}) = {tanh[lane]:R}, composed {tanhComposed[lane]:R}");
            }
        }
    }

    /// <summary>The same float bits, any NaN matching any NaN (the payload is not part of the contract).</summary>
    private static bool SameBits(float a, float b) =>
        float.IsNaN(a) ? float.IsNaN(b) : BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b);

    public static IEnumerable<object[]> Widths() => [["Vector512"], ["Vector"], ["Scalar"]];

    [Theory]
    [MemberData(nameof(Widths))]
    public void SigmoidAndTanh_EveryWidth_MatchDoubleAndSaturate(string width)
    {
        var inputs = new List<float> { 0f, -0f, 1e-30f, -1e-30f, 1e-4f, -1e-4f, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, float.MinValue, 87f, -87f, 88f, -88f, 200f, -200f };
        for (int k = -4000; k <= 4000; k++) inputs.Add(k / 40f);    // −100 .. 100 by 0.025
        var random = new Random(3);
        for (int k = 0; k < 10_000; k++) inputs.Add((float)(random.NextDouble() * 40 - 20));
        var (sigmoid, tanh) = Activations(width, inputs);
        for (int i = 0; i < inputs.Count; i++)
        {
            double x = inputs[i];
            double s = 1 / (1 + Math.Exp(-x)), t = Math.Tanh(x);
            Assert.True(Math.Abs(sigmoid[i] - s) <= 1e-7 + 4e-7 * Math.Abs(s), $"{width} σ({x:R}) = {sigmoid[i]:R}, expected {s:R}");
            Assert.True(Math.Abs(tanh[i] - t) <= 2.5e-7 + 4e-7 * Math.Abs(t), $"{width} tanh({x:R}) = {tanh[i]:R}, expected {t:R}");
            Assert.InRange(sigmoid[i], 0f, 1f);
            Assert.InRange(tanh[i], -1f, 1f);
        }
        var (nanSigmoid, nanTanh) = Activations(width, [float.NaN]);
        Assert.True(float.IsNaN(nanSigmoid[0]) && float.IsNaN(nanTanh[0]));
    }

    private static float[] ExpOf(IReadOnlyList<float> x)
    {
        int padded = (x.Count + 15) / 16 * 16;
        var input = new float[padded];
        for (int i = 0; i < x.Count; i++) input[i] = x[i];
        var output = new float[padded];
        for (int i = 0; i < padded; i += 16)
            FastMath.Exp(Vector512.Create(input.AsSpan(i, 16))).CopyTo(output.AsSpan(i, 16));
        return output[..x.Count];
    }

    /// <summary>|y − exact| in ulps of the float nearest the exact value.</summary>
    private static double Ulps(float y, double exact, string what)
    {
        float nearest = (float)exact;
        double ulp = MathF.BitIncrement(MathF.Abs(nearest)) - MathF.Abs(nearest);
        Assert.True(float.IsFinite(y), $"{what} = {y}");
        return Math.Abs(y - exact) / ulp;
    }

    private static (float[] Sigmoid, float[] Tanh) Activations(string width, IReadOnlyList<float> x) => width switch
    {
        "Vector512" => Activations<Vector512<float>, Simd512<float>>(x),
        "Vector" => Activations<Vector<float>, SimdVector<float>>(x),
        _ => Activations<float, SimdScalar<float>>(x),
    };

    private static (float[] Sigmoid, float[] Tanh) Activations<TV, TOps>(IReadOnlyList<float> x)
        where TV : struct
        where TOps : struct, ISimd<float, TV>
    {
        int w = TOps.Count, padded = (x.Count + w - 1) / w * w;
        var input = new float[padded];
        for (int i = 0; i < x.Count; i++) input[i] = x[i];
        float[] sigmoid = new float[padded], tanh = new float[padded];
        for (int i = 0; i < padded; i += w)
        {
            var v = Lanes<float, TV, TOps>.Load(input, i);
            FastMath.Sigmoid(v).Store(sigmoid, i);
            FastMath.Tanh(v).Store(tanh, i);
        }
        return (sigmoid[..x.Count], tanh[..x.Count]);
    }
}
