using Unroll.Core.Training;

namespace Unroll.Core.Tests;

public class LossTests
{
    [Theory]
    [InlineData(LossKind.SumSquared, 0.25 + 4 + 0.01)]
    [InlineData(LossKind.MeanSquared, (0.25 + 4 + 0.01) / 3)]
    [InlineData(LossKind.MeanAbsolute, (0.5 + 2 + 0.1) / 3)]
    [InlineData(LossKind.Huber, (0.125 + 1.5 + 0.005) / 3)]
    public void Compute_KnownResiduals_GivesPyTorchValues(LossKind kind, double expected)
    {
        double[] outputs = [1, -1, 0.3], targets = [0.5, 1, 0.2];
        var loss = Losses.Compute(kind, outputs, targets, new double[3]);
        Assert.Equal(expected, loss, 12);
    }

    [Theory]
    [InlineData(LossKind.SumSquared)]
    [InlineData(LossKind.MeanSquared)]
    [InlineData(LossKind.MeanAbsolute)]
    [InlineData(LossKind.Huber)]
    public void Compute_Gradient_MatchesFiniteDifferences(LossKind kind)
    {
        double[] outputs = [1.3, -1.7, 0.31, 2.5], targets = [0.5, 1, 0.2, 2.4];
        var gradient = new double[4];
        Losses.Compute(kind, outputs, targets, gradient, huberDelta: 0.5);
        for (int i = 0; i < 4; i++)
        {
            var plus = (double[])outputs.Clone(); plus[i] += 1e-6;
            var minus = (double[])outputs.Clone(); minus[i] -= 1e-6;
            double numeric = (Losses.Compute(kind, plus, targets, new double[4], 0.5) - Losses.Compute(kind, minus, targets, new double[4], 0.5)) / 2e-6;
            Assert.Equal(numeric, gradient[i], 6);
        }
    }
}

public class OptimizerTests
{
    private static Parameter<double> Param(double[] value, double[] gradient)
    {
        var p = new Parameter<double>("w", value.Length);
        value.CopyTo(p.Value, 0);
        gradient.CopyTo(p.Gradient, 0);
        return p;
    }

    [Fact]
    public void Sgd_Step_SubtractsLearningRateTimesGradient()
    {
        var p = Param([1, 2], [0.5, -1]);
        Optimizer.Create<double>(OptimizerKind.Sgd).Step([p], 0.1);
        Assert.Equal([0.95, 2.1], p.Value);
    }

    [Fact]
    public void Momentum_TwoSteps_FollowPyTorchsRule()
    {
        var p = Param([1], [0.5]);
        var opt = Optimizer.Create<double>(OptimizerKind.Momentum, momentum: 0.9);
        opt.Step([p], 0.1);                     // v = 0.5; w = 1 − 0.05
        p.Gradient[0] = 0.2;
        opt.Step([p], 0.1);                     // v = 0.9·0.5 + 0.2 = 0.65; w = 0.95 − 0.065
        Assert.Equal(0.885, p.Value[0], 14);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    public void Adam_ThreeSteps_MatchTheWrittenOutRule(double weightDecay)
    {
        double[] grads = [0.3, -1.2, 0.05];
        var p = Param([0.7], [0]);
        IOptimizer<double> opt = weightDecay == 0 ? Optimizer.Create<double>(OptimizerKind.Adam) : Optimizer.Create<double>(OptimizerKind.AdamW, weightDecay: weightDecay);
        double w = 0.7, m = 0, v = 0, lr = 0.01;
        for (int t = 1; t <= 3; t++)
        {
            p.Gradient[0] = grads[t - 1];
            opt.Step([p], lr);
            double g = grads[t - 1];
            w *= 1 - lr * weightDecay;
            m = 0.9 * m + 0.1 * g;
            v = 0.999 * v + 0.001 * g * g;
            double mHat = m / (1 - Math.Pow(0.9, t)), vHat = v / (1 - Math.Pow(0.999, t));
            w -= lr * mHat / (Math.Sqrt(vHat) + 1e-8);
        }
        Assert.Equal(w, p.Value[0], 14);
    }

    /// <summary>
    /// A parameter five vectors and a tail long (the vector branch and the scalar tail), four steps with gradients of
    /// every size and sign, zeros included: each element against the rule written out in double, in llm.c's form.
    /// </summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    public void Adam_LongParameter_EveryElementMatchesTheWrittenOutRule(double weightDecay)
    {
        CheckAdamAgainstTheRule<double>(weightDecay, relative: 1e-12);
        CheckAdamAgainstTheRule<float>(weightDecay, relative: 2e-5);
    }

    /// <summary>The same gradients in every element: the vector branch and the scalar tail give the same bits.</summary>
    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void Adam_SameGradientEverywhere_VectorBranchAndTailAgreeBitForBit(OptimizerKind kind)
    {
        int length = 5 * System.Numerics.Vector<float>.Count + 3;
        var p = new Parameter<float>("w", length);
        Array.Fill(p.Value, 0.37f);
        var opt = Optimizer.Create<float>(kind);
        foreach (float g in new[] { 0.3f, -1.7f, 0f, 2e-4f, 40f })
        {
            Array.Fill(p.Gradient, g);
            opt.Step([p], 0.003);
            Assert.All(p.Value, w => Assert.Equal(BitConverter.SingleToInt32Bits(p.Value[0]), BitConverter.SingleToInt32Bits(w)));
        }
        Assert.NotEqual(0.37f, p.Value[0]);
    }

    private static void CheckAdamAgainstTheRule<T>(double weightDecay, double relative) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int length = 5 * System.Numerics.Vector<T>.Count + 3;
        var random = new Random(21);
        var p = new Parameter<T>("w", length);
        var w = new double[length];
        for (int i = 0; i < length; i++) w[i] = double.CreateChecked(p.Value[i] = T.CreateChecked(random.NextDouble() * 2 - 1));
        double[] m = new double[length], v = new double[length];
        IOptimizer<T> opt = weightDecay == 0 ? Optimizer.Create<T>(OptimizerKind.Adam) : Optimizer.Create<T>(OptimizerKind.AdamW, weightDecay: weightDecay);
        const double lr = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        for (int t = 1; t <= 4; t++)
        {
            var g = new double[length];
            for (int i = 0; i < length; i++)
                g[i] = double.CreateChecked(p.Gradient[i] = T.CreateChecked(i % 7 == t ? 0 : (random.NextDouble() * 2 - 1) * Math.Pow(10, random.Next(-4, 3))));
            opt.Step([p], lr);
            for (int i = 0; i < length; i++)
            {
                w[i] *= 1 - lr * weightDecay;
                m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.Pow(beta1, t)), vHat = v[i] / (1 - Math.Pow(beta2, t));
                w[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
            for (int i = 0; i < length; i++)
                TestData.Close(w[i], double.CreateChecked(p.Value[i]), relative, relative, $"{typeof(T).Name} w[{i}] after step {t}");
        }
    }

    [Fact]
    public void Parse_UnknownName_ListsTheChoices()
    {
        var e = Assert.Throws<FormatException>(() => Optimizer.Parse("rmsprop"));
        Assert.Contains("sgd, momentum, adam or adamw", e.Message);
    }
}

public class ScheduleAndClippingTests
{
    [Fact]
    public void StepSchedule_DecaysEveryStepSizeEpochs()
    {
        var s = LearningRateSchedule.Step(0.1, stepSize: 10, gamma: 0.5);
        Assert.Equal(0.1, s.Rate(9), 15);
        Assert.Equal(0.05, s.Rate(10), 15);
        Assert.Equal(0.025, s.Rate(25), 15);
    }

    [Fact]
    public void CosineSchedule_GoesFromRateToMinimum()
    {
        var s = LearningRateSchedule.Cosine(0.1, epochs: 100, minimum: 0.001);
        Assert.Equal(0.1, s.Rate(0), 15);
        Assert.Equal(0.0505, s.Rate(50), 12);
        Assert.Equal(0.001, s.Rate(100), 15);
    }

    [Fact]
    public void ClipGlobalNorm_ScalesAllGradientsTogether()
    {
        var a = new Parameter<double>("a", 1); a.Gradient[0] = 3;
        var b = new Parameter<double>("b", 1); b.Gradient[0] = 4;
        double norm = GradientClipping.ClipGlobalNorm([a, b], 1.0);
        Assert.Equal(5, norm, 12);
        Assert.Equal(0.6, a.Gradient[0], 6);
        Assert.Equal(0.8, b.Gradient[0], 6);
    }

    [Fact]
    public void ClipGlobalNorm_BelowThreshold_LeavesGradientsAlone()
    {
        var a = new Parameter<double>("a", 2); a.Gradient[0] = 0.3; a.Gradient[1] = 0.4;
        GradientClipping.ClipGlobalNorm([a], 1.0);
        Assert.Equal([0.3, 0.4], a.Gradient);
    }
}

public class TrainerTests
{
    private static readonly double[][] Scenarios = [[0, 0], [0, 0.5], [1, 0.5], [1, 1]];
    private static readonly double[] Targets = [0, 1, 0, 1];

    private static SequenceBatch<T> Batch<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        => SequenceBatch<T>.Create(Scenarios.Select(s => (IReadOnlyList<T[]>)s.Select(x => new[] { T.CreateChecked(x) }).ToList()).ToList(), 1);

    [Fact]
    public void Step_HugeLearningRate_StopsWithAClearMessageAndKeepsTheWeights()
    {
        var network = RecurrentNetwork<float>.Create(new NetworkShape(CellKind.RnnTanh, 1, 4), 1);
        var trainer = new Trainer<float>(network, Optimizer.Create<float>(OptimizerKind.Sgd), new TrainerOptions { Loss = LossKind.SumSquared });
        var before = network.Parameters.Select(p => p.Value.ToArray()).ToList();
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Step(Batch<float>(), Targets.Select(t => (float)t).ToArray(), 1e38));
        Assert.Contains("non-finite", e.Message);
        for (int k = 0; k < before.Count; k++) Assert.Equal(before[k], network.Parameters[k].Value);
    }

    [Fact]
    public void Step_NaNTarget_StopsBeforeTouchingTheWeights()
    {
        var network = RecurrentNetwork<double>.Create(new NetworkShape(CellKind.Lstm, 1, 3), 1);
        var trainer = new Trainer<double>(network, Optimizer.Create<double>(OptimizerKind.Adam));
        var before = network.Parameters.Select(p => p.Value.ToArray()).ToList();
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Step(Batch<double>(), [0, double.NaN, 0, 1], 0.01));
        Assert.Contains("loss became NaN", e.Message);
        for (int k = 0; k < before.Count; k++) Assert.Equal(before[k], network.Parameters[k].Value);
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    [InlineData(OptimizerKind.Momentum)]
    public void Train_SameSeed_GivesBitwiseIdenticalWeights(OptimizerKind kind)
    {
        float[][] Run()
        {
            var network = RecurrentNetwork<float>.Create(new NetworkShape(CellKind.Gru, 1, 8, 2), 7);
            var trainer = new Trainer<float>(network, Optimizer.Create<float>(kind), new TrainerOptions { ClipNorm = 1 });
            for (int i = 0; i < 30; i++) trainer.Step(Batch<float>(), Targets.Select(t => (float)t).ToArray(), 0.01);
            return network.Parameters.Select(p => p.Value).ToArray();
        }
        var a = Run();
        var b = Run();
        for (int k = 0; k < a.Length; k++) Assert.Equal(a[k], b[k]);
    }

    [Fact]
    public void Train_ExampleFromRandomWeights_LearnsTheFourScenarios()
    {
        var network = ExampleTraining.Run(seed: 0, epochs: 2000, learningRate: 0.05, report: null);
        var predictions = network.Predict(Scenarios.Select(s => (IReadOnlyList<double[]>)s.Select(x => new[] { x }).ToList()).ToList());
        for (int i = 0; i < 4; i++) Assert.InRange(predictions[i][0], Targets[i] - 0.1, Targets[i] + 0.1);
    }
}

public class TrainerGradientTests
{
    public static IEnumerable<object[]> Cells() => Enum.GetValues<CellKind>().Select(c => new object[] { c });

    /// <summary>The training step reuses its tape and overwrites it with gradients; its update must still be exact.</summary>
    [Theory]
    [MemberData(nameof(Cells))]
    public void Step_Sgd_MovesEachWeightByLearningRateTimesTheReferenceGradient(CellKind cell)
    {
        var shape = new NetworkShape(cell, 2, 5, 2, 2);
        var network = RecurrentNetwork<double>.Create(shape, 21);
        var reference = network.Clone();
        var sequences = TestData.Sequences<double>(3, 2, 4, 9, 1, 6);
        double[] targets = [0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8];
        var trainer = new Trainer<double>(network, Optimizer.Create<double>(OptimizerKind.Sgd), new TrainerOptions { Loss = LossKind.SumSquared });
        for (int step = 0; step < 3; step++)
        {
            var batch = network.Pack(sequences);
            trainer.Step(batch, targets, 0.01);
            var pass = reference.Forward(reference.Pack(sequences));
            reference.ZeroGradients();
            reference.Backward(pass, TestData.SumSquared(pass.Outputs, targets).Gradient);
            foreach (var p in reference.Parameters)
                for (int i = 0; i < p.Value.Length; i++) p.Value[i] -= 0.01 * p.Gradient[i];
            for (int k = 0; k < network.Parameters.Count; k++)
                for (int i = 0; i < network.Parameters[k].Value.Length; i++)
                    TestData.Close(reference.Parameters[k].Value[i], network.Parameters[k].Value[i], 1e-12, 1e-14, $"step {step} {network.Parameters[k].Name}[{i}]");
        }
    }
}
