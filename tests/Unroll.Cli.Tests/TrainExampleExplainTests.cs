using System.Globalization;
using Unroll.Core;

namespace Unroll.Cli.Tests;

/// <summary>`train-example --explain`: every step's loss, gradients and weights, checked against the update rule.</summary>
public class TrainExampleExplainTests
{
    /// <summary>The numbers of an --explain row, after its 10-character label ("start", "step 12", "  gradient").</summary>
    private static double[] Numbers(string line)
        => line[10..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => double.Parse(w, CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public void TrainExample_Explain_EveryStepMovesEachWeightByMinusTheRateTimesItsGradient()
    {
        var r = CliRunner.Run("train-example", "--explain", "--epochs", "6", "--lr", "0.05", "--seed", "0");
        Assert.True(r.ExitCode is 0 or 1, r.Error);
        var lines = r.Out.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int start = lines.FindIndex(l => l.StartsWith("start", StringComparison.Ordinal));
        Assert.True(start > 0, "the starting weights are printed");
        Assert.Equal(["loss", "w1", "w2", "b1", "w3", "b2"], lines[start - 1].Split(' ', StringSplitOptions.RemoveEmptyEntries));

        var weights = Numbers(lines[start]);
        Assert.Equal(5, weights.Length);
        for (int step = 1; step <= 6; step++)
        {
            int at = lines.FindIndex(l => l.StartsWith($"step {step} ", StringComparison.Ordinal));
            Assert.True(at > start, $"step {step} is printed");
            Assert.Single(Numbers(lines[at]));                                   // the loss
            Assert.StartsWith("  gradient", lines[at + 1]);
            Assert.StartsWith("  weights", lines[at + 2]);
            var gradient = Numbers(lines[at + 1]);
            var next = Numbers(lines[at + 2]);
            for (int k = 0; k < 5; k++)
                Assert.True(Math.Abs(weights[k] - 0.05 * gradient[k] - next[k]) <= 2e-6,
                    $"step {step}, column {k}: {weights[k]} − 0.05 × {gradient[k]} should be {next[k]}");
            weights = next;
        }
        Assert.DoesNotContain(lines, l => l.StartsWith("step 7 ", StringComparison.Ordinal));
    }

    [Fact]
    public void TrainExample_Explain_EachLossIsTheSumOfSquaredResidualsWithTheWeightsOnTheLineAbove()
    {
        var r = CliRunner.Run("train-example", "--explain", "--epochs", "3", "--seed", "5");
        var lines = r.Out.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var previous = Numbers(lines.Single(l => l.StartsWith("start", StringComparison.Ordinal)));
        for (int step = 1; step <= 3; step++)
        {
            int at = lines.FindIndex(l => l.StartsWith($"step {step} ", StringComparison.Ordinal));
            double loss = Numbers(lines[at])[0];
            var network = Examples.StatQuest<double>(previous[0], previous[1], previous[3]);
            network["rnn.bias_ih_l0"].Value[0] = previous[2];
            network["head.bias"].Value[0] = previous[4];
            double[][] scenarios = [[0, 0], [0, 0.5], [1, 0.5], [1, 1]];
            double[] targets = [0, 1, 0, 1];
            var predictions = network.Predict(scenarios.Select(s => (IReadOnlyList<double[]>)s.Select(x => new[] { x }).ToList()).ToList());
            double expected = predictions.Select((p, i) => (p[0] - targets[i]) * (p[0] - targets[i])).Sum();
            Assert.True(Math.Abs(expected - loss) < 1e-4, $"step {step}: printed loss {loss}, recomputed {expected}");
            previous = Numbers(lines[at + 2]);
        }
    }

    [Fact]
    public void TrainExample_WithoutExplain_PrintsTheSummaryTableNotEveryStep()
    {
        var r = CliRunner.Run("train-example", "--epochs", "30");
        Assert.DoesNotContain("  gradient", r.Out);
        Assert.Contains("│ 30 ", r.Out);
    }

    [Fact]
    public void TrainExample_ALearningRateThatOverflows_ShowsTheRowsSoFar_ThenOneLineAndExitCode1()
    {
        // Exit 1, as train's divergence: the run gave no result (the learning rate was a valid one to try).
        var r = CliRunner.Run("train-example", "--lr", "5");

        Assert.Equal(1, r.ExitCode);
        Assert.Single(r.Error.Trim().Split('\n'));
        Assert.StartsWith("error: training diverged at step ", r.Error);
        Assert.Contains("steps of --lr 5 overshoot further each time; try a lower --lr, such as 0.05", r.Error);
        Assert.Contains("loss before", r.Out);
        Assert.Contains("│ 1 ", r.Out);
    }

    [Theory]
    [InlineData(new[] { "--lr", "1", "--epochs", "50" }, ", and the loss grew from 6.346 to ")]
    [InlineData(new[] { "--seed", "1" }, ", and the gradient has vanished (its norm is ")]
    [InlineData(new[] { "--epochs", "3" }, " yet: try more --epochs.")]
    public void TrainExample_NotLearned_SaysWhyAndWhatMayHelp(string[] args, string why)
    {
        // A growing loss needs a lower --lr, a vanished gradient another --seed, only a falling loss more --epochs.
        var r = CliRunner.Run(["train-example", .. args]);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Not every prediction is within 0.1 of its target" + why, r.Out);
        Assert.DoesNotContain("0000000000", r.Out);   // a diverging run's numbers in scientific notation, not a hundred digits
        Assert.Equal(why.Contains("vanished", StringComparison.Ordinal), r.Out.Contains("try another --seed", StringComparison.Ordinal));
    }

    [Fact]
    public void Seed_BelowZero_IsRefused_ItWouldRepeatItsPositiveTwin()
    {
        foreach (var command in new[] { new[] { "train-example" }, ["gradients", "--steps", "3"], ["train", "--data", "x.csv", "--out", "m.safetensors"], ["demo"] })
        {
            var r = CliRunner.Run([.. command, "--seed", "-1"]);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("--seed expects a whole number from 0 to 2,147,483,647, got -1", r.Error);
        }
    }

    [Theory]
    [InlineData("--epochs", "0", "--epochs expects a whole number from 1 to")]
    [InlineData("--lr", "-1", "--lr must be a positive number")]
    [InlineData("--lr", "0", "--lr must be a positive number")]
    public void TrainExample_BadArguments_OneClearLineAndExitCode2(string option, string value, string expected)
    {
        var r = CliRunner.Run("train-example", option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Error);
        Assert.Equal("", r.Out);
    }
}
