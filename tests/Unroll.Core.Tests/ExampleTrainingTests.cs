using Unroll.Core.Training;

namespace Unroll.Core.Tests;

/// <summary>ExampleTraining's pieces: the random start, training from given weights, the scenario predictions and the loss.</summary>
public class ExampleTrainingTests
{
    // y_t = max(0, input_t·w1 + y_(t−1)·w2 + b1), prediction = y·w3 + b2: a plain reference, independent of the engine.
    private static double Reference(double w1, double w2, double w3, double b1, double b2, double[] days)
    {
        double y = 0;
        foreach (var x in days) y = Math.Max(0, x * w1 + y * w2 + b1);
        return y * w3 + b2;
    }

    [Fact]
    public void Predict_AndSumSquaredResiduals_MatchThePlainComputation()
    {
        var network = Examples.StatQuest<double>(0.9, 0.3, 0.6, 0.1, -0.2);
        var predictions = ExampleTraining.Predict(network);
        double ssr = 0;
        for (int s = 0; s < 4; s++)
        {
            double reference = Reference(0.9, 0.3, 0.6, 0.1, -0.2, ExampleTraining.Scenarios[s]);
            Assert.Equal(reference, predictions[s], 1e-15);
            ssr += (reference - ExampleTraining.Targets[s]) * (reference - ExampleTraining.Targets[s]);
        }
        Assert.Equal(ssr, ExampleTraining.SumSquaredResiduals(network), 1e-14);
        Assert.Equal(2 * 0.01 * 0.01, ExampleTraining.SumSquaredResiduals(Examples.StatQuest<double>()), 1e-15);
    }

    [Fact]
    public void StatQuest_WithBiases_PutsB1InBiasIhAndB2InTheHead()
    {
        var network = Examples.StatQuest<double>(1.8, -0.5, 1.1, 0.25, -0.75);
        Assert.Equal(0.25, network["rnn.bias_ih_l0"].Value[0]);
        Assert.Equal(0, network["rnn.bias_hh_l0"].Value[0]);
        Assert.Equal(-0.75, network["head.bias"].Value[0]);
    }

    [Fact]
    public void Run_IsTrainFromRandomStart_BitForBit()
    {
        var run = ExampleTraining.Run(seed: 5, epochs: 40, learningRate: 0.05, report: null);
        var start = ExampleTraining.RandomStart(5);
        ExampleTraining.Train(start, 15, 0.05, null);
        ExampleTraining.Train(start, 25, 0.05, null);   // in two parts, as the page trains
        for (int k = 0; k < run.Parameters.Count; k++) Assert.Equal(run.Parameters[k].Value, start.Parameters[k].Value);
    }

    [Fact]
    public void RandomStart_IsNeverDead_AndHasOneHiddenBias()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var network = ExampleTraining.RandomStart(seed);
            Assert.Equal(0, network["rnn.bias_hh_l0"].Value[0]);
            Assert.True(ExampleTraining.Predict(network).Distinct().Count() > 1, $"seed {seed} starts dead");
        }
    }

    [Fact]
    public void Train_MovesEachWeightByRateTimesItsGradient_AndHoldsBiasHhAtZero()
    {
        var network = Examples.StatQuest<double>(0.9, 0.3, 0.6, 0.1, -0.2);
        var before = network.Parameters.ToDictionary(p => p.Name, p => p.Value[0]);
        ExampleStep? step = null;
        ExampleTraining.Train(network, 1, 0.1, s => step = s);
        Assert.NotNull(step);
        Assert.Equal(before["rnn.weight_ih_l0"] - 0.1 * step.Gradients["rnn.weight_ih_l0"], step.W1, 1e-15);
        Assert.Equal(before["rnn.weight_hh_l0"] - 0.1 * step.Gradients["rnn.weight_hh_l0"], step.W2, 1e-15);
        Assert.Equal(before["rnn.bias_ih_l0"] - 0.1 * step.Gradients["rnn.bias_ih_l0"], step.B1, 1e-15);
        Assert.Equal(before["head.weight"] - 0.1 * step.Gradients["head.weight"], step.W3, 1e-15);
        Assert.Equal(before["head.bias"] - 0.1 * step.Gradients["head.bias"], step.B2, 1e-15);
        Assert.Equal(0, network["rnn.bias_hh_l0"].Value[0]);
    }

    [Fact]
    public void Train_AnotherNetwork_IsRefusedByName()
    {
        var lstm = new RecurrentNetwork<double>(new NetworkShape(CellKind.Lstm, 1, 1));
        Assert.Contains("Examples.StatQuest", Assert.Throws<ArgumentException>(() => ExampleTraining.Train(lstm, 1, 0.05, null)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ExampleTraining.Train(Examples.StatQuest<double>(), 1, 0, null));
    }
}
