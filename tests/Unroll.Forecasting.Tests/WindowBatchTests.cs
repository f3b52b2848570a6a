using Unroll.Core.Training;
using Unroll.Data;

namespace Unroll.Forecasting.Tests;

/// <summary>Batches assembled from window views hold exactly the floats the copied windows gave, so training on views
/// trains the same model.</summary>
public sealed class WindowBatchTests
{
    private static TimeSeries Make(string name, int length, double phase, bool withFeature)
    {
        var dates = Enumerable.Range(0, length).Select(i => new DateTime(2001, 1, 1).AddDays(7 * i)).ToArray();
        var values = Enumerable.Range(0, length).Select(i => 50 + 10 * Math.Sin(i / 4.0 + phase) + i * 0.1).ToArray();
        return withFeature
            ? new TimeSeries(name, dates, values, ["volume"], Enumerable.Range(0, length).Select(i => 1000.0 + 37 * ((i * 7) % 11)).ToArray())
            : new TimeSeries(name, dates, values);
    }

    public static TheoryData<string, int, bool> Cases => new()
    {
        { "relative", 5, false }, { "relative", 5, true }, { "difference", 3, true }, { "minmax", 4, true }, { "zscore", 0, false }, { "relative", 0, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ViewBatch_EqualsTheBatchOfCopiedAndNormalizedWindows(string scaling, int lookbackSteps, bool withFeature)
    {
        var settings = new ForecastSettings
        {
            Scaling = scaling switch { "relative" => TargetScaling.Relative, "difference" => TargetScaling.Difference, "minmax" => TargetScaling.MinMax, _ => TargetScaling.ZScore },
            Lookback = lookbackSteps == 0 ? Lookback.All : Lookback.Of(lookbackSteps),
            Horizon = 2,
            Strategy = ForecastStrategy.Direct,
        };
        var prepared = new[] { Make("A", 40, 0, withFeature), Make("B", 27, 1, withFeature), Make("C", 33, 2, withFeature) }
            .Select(s => Forecaster.Prepare(s, settings)).ToList();
        var (train, _, _) = WindowSet.CreateSplit(prepared.Select(p => p.Scaled).ToList(), prepared.Select(p => p.Split).ToList(), settings.Lookback, settings.OutputSize);
        var anchors = prepared.Select(p => settings.IsAnchored ? Forecaster.AnchorOf(p.Scalers, settings) : (Forecaster.Anchor?)null).ToArray();
        var copies = prepared.SelectMany(p => Windows.CreateSplit(p.Scaled, settings.Lookback, settings.OutputSize, p.Split).Train
            .Select(w => settings.IsAnchored ? Forecaster.NormalizeWindow(w, Forecaster.AnchorOf(p.Scalers, settings)) : w)).ToList();
        Assert.Equal(copies.Count, train.Count);

        // A shuffled batch, as training takes them.
        int[] chosen = Enumerable.Range(0, train.Count).ToArray();
        new Random(3).Shuffle(chosen);
        chosen = chosen[..Math.Min(17, chosen.Length)];

        var (viewBatch, viewTargets) = Forecaster.ToBatch(train, chosen, anchors, settings.OutputSize);
        var (copyBatch, copyTargets) = Forecaster.ToBatch(chosen.Select(i => copies[i]).ToList(), train.InputSize, settings.OutputSize);

        Assert.Equal(copyBatch.Lengths.ToArray(), viewBatch.Lengths.ToArray());
        Assert.Equal(copyBatch.Packed.ToArray(), viewBatch.Packed.ToArray());
        Assert.Equal(copyTargets, viewTargets);
        Assert.NotEqual(0f, viewBatch.Packed.ToArray().Select(MathF.Abs).Max());
    }

    [Fact]
    public void ValidationLoss_OverMoreStepsThanAChunk_IsTheChunksWeightedMean()
    {
        // Three series with long validation parts and a long lookback: more steps than one validation batch holds.
        var data = new SeriesSet([Make("A", 1200, 0, false), Make("B", 1100, 1, false), Make("C", 1000, 2, false)], "price", [], "synthetic.csv");
        var settings = new ForecastSettings { HiddenSize = 3, Lookback = Lookback.Of(200), Epochs = 1, Seed = 2, ValidationFraction = 0.3, Deseasonalize = false, CombineClassical = false };
        var session = TrainingSession.Start(data, settings);
        var prepared = data.Series.Select(s => Forecaster.Prepare(s, settings)).ToList();
        var (_, validation, _) = WindowSet.CreateSplit(prepared.Select(p => p.Scaled).ToList(), prepared.Select(p => p.Split).ToList(), settings.Lookback, 1);
        long steps = Enumerable.Range(0, validation.Count).Sum(i => (long)validation[i].Steps);
        Assert.True(steps > TrainingSession.ValidationChunkSteps, $"{steps} validation steps: not more than a chunk");

        // The loss of all validation windows as one batch, by hand, on the same initial weights.
        var untrained = session.Run(cancellation: new CancellationToken(canceled: true));
        var anchors = prepared.Select(p => (Forecaster.Anchor?)Forecaster.AnchorOf(p.Scalers, settings)).ToArray();
        var (batch, targets) = Forecaster.ToBatch(validation, Enumerable.Range(0, validation.Count).ToArray(), anchors, 1);
        double whole = new Trainer<float>(untrained.Forecaster.Network, Optimizer.Create<float>(OptimizerKind.Sgd)).Evaluate(batch, targets);

        Assert.Equal(whole, session.InitialLoss, whole * 1e-5);
    }
}
