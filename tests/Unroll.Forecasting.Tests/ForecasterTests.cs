using Unroll.Core;
using Unroll.Data;
using Unroll.Forecasting;
using Unroll.Forecasting.Baselines;

namespace Unroll.Forecasting.Tests;

public sealed class ForecasterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-fc-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Two series of different lengths (9 and 5 weeks of history would be too short to train; use 60 and 35).</summary>
    private static SeriesSet Ragged()
    {
        TimeSeries Make(string name, int length, double phase)
        {
            var dates = Enumerable.Range(0, length).Select(i => new DateTime(2001, 1, 1).AddDays(7 * i)).ToArray();
            var values = Enumerable.Range(0, length).Select(i => 50 + 10 * Math.Sin(i / 4.0 + phase) + i * 0.1).ToArray();
            return new TimeSeries(name, dates, values);
        }
        return new SeriesSet([Make("LONG", 60, 0), Make("SHORT", 35, 1)], "price", [], "synthetic.csv");
    }

    private static readonly ForecastSettings Small = new() { HiddenSize = 8, Lookback = Lookback.Of(6), Epochs = 5, Seed = 11 };

    [Fact]
    public void Fit_SameSeed_GivesBitwiseIdenticalWeights()
    {
        var a = Forecaster.Fit(Ragged(), Small).Forecaster.Network;
        var b = Forecaster.Fit(Ragged(), Small).Forecaster.Network;
        for (int k = 0; k < a.Parameters.Count; k++) Assert.Equal(a.Parameters[k].Value, b.Parameters[k].Value);
    }

    [Fact]
    public void Fit_LookbackAll_TrainsRaggedWindowsFromBothSeries()
    {
        var fit = Forecaster.Fit(Ragged(), Small with { Lookback = Lookback.All });
        // Every window of both series: targets at steps 1 … trainEnd − 1 of each (lookback all grows from one step).
        int Expected(int length) => TimeSplit.ByFractions(length, 1 - Small.ValidationFraction, Small.ValidationFraction).TrainEnd - 1;
        Assert.Equal(Expected(60) + Expected(35), fit.TrainWindows);
        var prepared = Ragged().Series.Select(s => Forecaster.Prepare(s, Small with { Lookback = Lookback.All })).ToList();
        var windows = prepared.Select(p => Windows.CreateSplit(p.Scaled, Lookback.All, 1, p.Split).Train).ToList();
        Assert.Equal([Expected(60), Expected(35)], windows.Select(w => w.Count));
        Assert.Equal(Enumerable.Range(1, Expected(35)), windows[1].Select(w => w.Steps));   // ragged: 1, 2, … steps
        var forecast = fit.Forecaster.Predict(Ragged().Series[1], 3);
        Assert.Equal(3, forecast.Values.Length);
        Assert.All(forecast.Values, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void Fit_Cancelled_StopsAndKeepsTheBestWeightsSoFar()
    {
        using var cancel = new CancellationTokenSource();
        var progress = new Inline(p => { if (p.Epoch == 2) cancel.Cancel(); });
        var fit = Forecaster.Fit(Ragged(), Small with { Epochs = 50 }, progress, cancel.Token);
        Assert.Equal(StopReason.Cancelled, fit.Stop);
        Assert.Equal(2, fit.History.Count);
        Assert.InRange(fit.BestEpoch, 1, 2);
    }

    [Fact]
    public void Fit_EarlyStopping_KeepsTheBestValidationEpoch()
    {
        var fit = Forecaster.Fit(Ragged(), Small with { Epochs = 200, Patience = 3, LearningRate = 0.05 });
        var best = fit.History.Where(h => h.ValidationLoss is not null).MinBy(h => h.ValidationLoss!.Value)!;
        Assert.Equal(best.Epoch, fit.BestEpoch);
        // At this rate the validation loss stops improving long before 200 epochs: training stops 3 epochs after the best.
        Assert.Equal(StopReason.EarlyStopped, fit.Stop);
        Assert.Equal(fit.BestEpoch + 3, fit.History.Count);
        Assert.All(fit.History.Skip(fit.BestEpoch), h => Assert.True(h.ValidationLoss >= best.ValidationLoss));
    }

    [Theory]
    [InlineData(ForecastStrategy.Recursive, TargetKind.Price)]
    [InlineData(ForecastStrategy.Direct, TargetKind.LogReturn)]
    [InlineData(ForecastStrategy.Recursive, TargetKind.Return)]
    public void SaveThenLoad_PredictsExactlyTheSame(ForecastStrategy strategy, TargetKind target)
    {
        var settings = Small with { Strategy = strategy, Target = target, Horizon = 3 };
        var forecaster = Forecaster.Fit(Ragged(), settings).Forecaster;
        var path = Path.Combine(_folder, "m.safetensors");
        ModelBundle.Save(forecaster, path);
        var loaded = ModelBundle.Load(path);
        Assert.Equal(settings with { Scaling = settings.EffectiveScaling }, loaded.Settings);
        foreach (var s in Ragged().Series) Assert.Equal(forecaster.Predict(s).Values, loaded.Predict(s).Values);
    }

    [Fact]
    public void Predict_DirectModelOtherHorizon_IsAClearError()
    {
        var forecaster = Forecaster.Fit(Ragged(), Small with { Strategy = ForecastStrategy.Direct, Horizon = 2 }).Forecaster;
        var e = Assert.Throws<SettingsException>(() => forecaster.Predict(Ragged().Series[0], 5));
        Assert.Contains("ForecastSettings.Strategy = ForecastStrategy.Recursive", e.Message);
        Assert.Contains(ForecastFixes.Of(nameof(ForecastSettings.Strategy), "ForecastStrategy.Recursive"), e.Settings);
    }

    [Fact]
    public void Fit_SeriesTooShort_NamesItsLengthAndTheMinimum()
    {
        var e = Assert.Throws<DataException>(() => Forecaster.Fit(Ragged(), Small with { Lookback = Lookback.Of(40), ShortenLookback = false }));
        Assert.Contains("'SHORT'", e.Message);
        Assert.Contains("35 points", e.Message);
    }

    [Fact]
    public void PredictFrom_UsesOnlyTheHistoryBeforeTheOrigin()
    {
        var forecaster = Forecaster.Fit(Ragged(), Small).Forecaster;
        var series = Ragged().Series[0];
        var changed = new TimeSeries(series.Symbol, series.Dates, series.Values.Select((v, i) => i >= 40 ? v * 3 : v).ToArray());
        Assert.Equal(forecaster.PredictFrom(series, 40, 2), forecaster.PredictFrom(changed, 40, 2));
    }

    [Theory]
    [InlineData(ForecastMethod.Naive, new[] { 4.0, 4.0 })]
    [InlineData(ForecastMethod.Drift, new[] { 5.0, 6.0 })]
    [InlineData(ForecastMethod.MovingAverage, new[] { 3.0, 3.0 })]
    public void Baselines_KnownHistory_GiveTheTextbookForecasts(ForecastMethod kind, double[] expected)
        => Assert.Equal(expected, Baseline.Forecast(kind, [1, 2, 3, 4], 2));

    [Fact]
    public void Metrics_KnownPoints_GiveHandComputedValues()
    {
        var m = MetricsCalculator.Compute([new ScoredPoint(10, 12, 11, 2), new ScoredPoint(10, 9, 8, 2)]);
        Assert.Equal(1, m.Mae, 12);
        Assert.Equal(1, m.Rmse, 12);
        Assert.Equal(100 * (1 / 11.0 + 1 / 8.0) / 2, m.Mape, 12);
        Assert.Equal(0.5, m.Mase, 12);
        Assert.Equal(1, m.Direction, 12);
        Assert.Equal(1.0, MetricsCalculator.NaiveScale([1, 2, 3, 2]), 12);
    }

    private sealed class Inline(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}

public class RelativeScalingTests
{
    [Fact]
    public void Relative_TrendBeyondTheTrainingRange_IsFollowed()
    {
        // A price that doubles over the test period: min-max scaling caps forecasts near the training high,
        // relative scaling forecasts changes and follows the trend out of the trained range.
        var dates = Enumerable.Range(0, 120).Select(i => new DateTime(2001, 1, 1).AddMonths(i)).ToArray();
        var values = Enumerable.Range(0, 120).Select(i => 10 * Math.Pow(1.02, i) * (1 + 0.01 * Math.Sin(i))).ToArray();
        var data = new SeriesSet([new TimeSeries("UP", dates, values)], "price", [], "up.csv");
        var settings = new ForecastSettings { HiddenSize = 8, Lookback = Lookback.Of(6), Epochs = 40, TestFraction = 0.25, Seed = 2 };
        var relative = Backtester.Run(data, settings).Overall[ForecastMethod.Model].Mase;
        var minmax = Backtester.Run(data, settings with { Scaling = TargetScaling.MinMax }).Overall[ForecastMethod.Model].Mase;
        Assert.True(relative < minmax, $"relative MASE {relative:F3} should beat min-max's {minmax:F3} on a trend out of range");
        Assert.True(relative < 1.0, $"relative MASE {relative:F3}");
    }

    [Theory]
    [InlineData(nameof(ForecastSettings.Horizon), 100_000_000, "must be from 1 to 10,000, got 100000000")]
    [InlineData(nameof(ForecastSettings.Horizon), 0, "must be from 1 to 10,000, got 0")]
    [InlineData(nameof(ForecastSettings.HiddenSize), 16_385, "must be from 1 to 16,384")]
    [InlineData(nameof(ForecastSettings.Layers), 65, "must be from 1 to 64")]
    [InlineData(nameof(ForecastSettings.Season), 10_001, "to 10,000, got 10001")]
    public void Validate_SizesBeyondTheirLimits_AreRejected(string property, int value, string expected)
    {
        var settings = property switch
        {
            nameof(ForecastSettings.Horizon) => new ForecastSettings { Horizon = value },
            nameof(ForecastSettings.HiddenSize) => new ForecastSettings { HiddenSize = value },
            nameof(ForecastSettings.Layers) => new ForecastSettings { Layers = value },
            _ => new ForecastSettings { Season = value },
        };
        Assert.Contains(expected, Assert.Throws<SettingsException>(settings.Validate).Message);
        new ForecastSettings { Horizon = ForecastSettings.MaxHorizon, HiddenSize = ForecastSettings.MaxHiddenSize, Layers = ForecastSettings.MaxLayers, Season = ForecastSettings.MaxSeason }.Validate();
    }

    [Fact]
    public void Relative_WithReturnTarget_IsRejected()
    {
        var e = Assert.Throws<SettingsException>(() => new ForecastSettings { Scaling = TargetScaling.Relative, Target = TargetKind.Return }.Validate());
        Assert.Contains("price target", e.Message);
    }

    [Fact]
    public void Relative_NonPositiveValues_AreAClearError()
    {
        var dates = Enumerable.Range(0, 40).Select(i => new DateTime(2001, 1, 1).AddDays(i)).ToArray();
        var values = Enumerable.Range(0, 40).Select(i => Math.Sin(i / 3.0)).ToArray();
        var data = new SeriesSet([new TimeSeries("WAVE", dates, values)], "value", [], "wave.csv");
        var e = Assert.Throws<DataException>(() => Forecaster.Fit(data, new ForecastSettings { HiddenSize = 4, Lookback = Lookback.Of(5), Epochs = 1, Scaling = TargetScaling.Relative }));
        Assert.Contains("relative scaling needs values above 0", e.Message);
    }
}

public class ScalingAndLookbackDefaultsTests
{
    private static SeriesSet Wave(int length, double level)
    {
        var dates = Enumerable.Range(0, length).Select(i => new DateTime(2001, 1, 1).AddMonths(i)).ToArray();
        var values = Enumerable.Range(0, length).Select(i => level + Math.Sin(i / 3.0) + 0.01 * i).ToArray();
        return new SeriesSet([new TimeSeries("WAVE", dates, values)], "value", [], "wave.csv");
    }

    [Fact]
    public void DefaultScaling_ZerosOrNegatives_IsDifferenceAndSaysWhy()
    {
        var fit = Forecaster.Fit(Wave(60, 0), new ForecastSettings { HiddenSize = 4, Epochs = 3 });
        Assert.Equal(TargetScaling.Difference, fit.Forecaster.Settings.Scaling);
        Assert.Contains(fit.Notes, n => n.Contains("difference scaling", StringComparison.Ordinal) && n.Contains("'WAVE'", StringComparison.Ordinal));
        Assert.All(fit.Forecaster.Predict(Wave(60, 0).Series[0], 3).Values, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void DefaultScaling_PositiveValues_IsRelative()
        => Assert.Equal(TargetScaling.Relative, new ForecastSettings().Resolve(Wave(60, 10)).Settings.Scaling);

    [Fact]
    public void Difference_WindowsAreTheChangeFromTheLastValueInTypicalMoves()
    {
        var series = Wave(40, 0).Series[0];
        var settings = new ForecastSettings { Scaling = TargetScaling.Difference, Lookback = Lookback.Of(4) };
        var p = Forecaster.Prepare(series, settings);
        double scale = Enumerable.Range(1, p.Split.TrainEnd - 1).Average(t => Math.Abs(series.Values[t] - series.Values[t - 1]));
        Assert.Equal(scale, p.Scalers.Target.Inverse(1) - p.Scalers.Target.Inverse(0), 12);
        var window = Windows.CreateSplit(p.Scaled, settings.Lookback, 1, p.Split).Train[0];
        var normalized = Forecaster.NormalizeWindow(window, Forecaster.AnchorOf(p.Scalers, settings));
        double last = window.Inputs.Span[^1];
        Assert.Equal(window.Inputs.ToArray().Select(x => (x - last) / scale), normalized.Inputs.ToArray());
        Assert.Equal((window.Targets.Span[0] - last) / scale, normalized.Targets.Span[0], 12);
    }

    [Fact]
    public void Lookback_TooLongForTheShortestSeries_IsShortenedAndSaid()
    {
        var fit = Forecaster.Fit(Wave(16, 10), new ForecastSettings { HiddenSize = 4, Epochs = 2, TestFraction = 0.2 });
        // 16 points: a training part of floor(0.65 × 16) = 10, so at most 9 input steps before the one to forecast.
        Assert.Equal(Lookback.Of(9), fit.Forecaster.Settings.Lookback);
        Assert.Contains(fit.Notes, n => n.StartsWith("the lookback is 9 instead of 12", StringComparison.Ordinal));
    }

    [Fact]
    public void Lookback_SeriesTooShortEvenForTwoSteps_IsLeftToTheClassicalMethods()
    {
        TimeSeries Make(string name, int length) => new(name, Enumerable.Range(0, length).Select(i => new DateTime(2001, 1, 1).AddMonths(i)).ToArray(),
            Enumerable.Range(0, length).Select(i => 10 + Math.Sin(i)).ToArray());
        // 3 points: a training part of floor(0.85 × 3) = 2, room for 1 input step, fewer than the 2 the network needs.
        var data = new SeriesSet([Make("LONG", 60), Make("TINY", 3)], "value", [], "two.csv");
        var fit = Forecaster.Fit(data, new ForecastSettings { HiddenSize = 4, Epochs = 2 });
        Assert.Equal(["LONG"], fit.Forecaster.Symbols);
        Assert.Equal(Lookback.Of(12), fit.Forecaster.Settings.Lookback);
        Assert.Contains("'TINY' has 3 points, too few for the network", fit.Excluded["TINY"]);
    }
}
