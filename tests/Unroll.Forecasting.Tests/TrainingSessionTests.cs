using Unroll.Core.Training;
using Unroll.Data;

namespace Unroll.Forecasting.Tests;

public sealed class TrainingSessionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-session-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static SeriesSet Data(int longLength = 70, int shortLength = 40)
    {
        TimeSeries Make(string name, int length, double phase)
        {
            var dates = Enumerable.Range(0, length).Select(i => new DateTime(2001, 1, 1).AddDays(7 * i)).ToArray();
            var values = Enumerable.Range(0, length).Select(i => 50 + 10 * Math.Sin(i / 4.0 + phase) + i * 0.1).ToArray();
            return new TimeSeries(name, dates, values);
        }
        return new SeriesSet([Make("LONG", longLength, 0), Make("SHORT", shortLength, 1)], "price", [], "synthetic.csv");
    }

    // 8 windows a batch: about 9 batches an epoch, so interruptions can fall inside epochs.
    private static readonly ForecastSettings Settings = new() { HiddenSize = 6, Lookback = Lookback.Of(5), Epochs = 6, BatchSize = 8, Seed = 5, Patience = 50 };

    private byte[] ModelBytes(FitResult fit, string name)
    {
        var path = Path.Combine(_folder, name);
        ModelBundle.Save(fit.Forecaster, path);
        return File.ReadAllBytes(path);
    }

    /// <summary>Runs to the end, interrupted after each of <paramref name="stops"/> (total batches run so far), resuming from the checkpoint each time.</summary>
    private FitResult Interrupted(ForecastSettings settings, params int[] stops)
    {
        var checkpoint = Path.Combine(_folder, "run.ckpt");
        var session = TrainingSession.Start(Data(), settings);
        int done = 0;
        foreach (var stop in stops.Append(int.MaxValue))
        {
            using var cancel = new CancellationTokenSource();
            var options = new TrainingRunOptions
            {
                CheckpointPath = checkpoint,
                BatchCompleted = (_, _) => { if (++done >= stop) cancel.Cancel(); },
            };
            var fit = session.Run(null, cancel.Token, options);
            if (stop == int.MaxValue) return fit;
            Assert.Equal(StopReason.Cancelled, fit.Stop);
            session = TrainingSession.Resume(checkpoint, Data(), settings);   // a new process: only the file carries over
        }
        throw new InvalidOperationException("unreachable");
    }

    [Theory]
    [InlineData(OptimizerKind.Adam, new[] { 1 })]                  // inside the first epoch, after its first batch
    [InlineData(OptimizerKind.Adam, new[] { 4, 9, 23 })]           // mid-epoch, near an epoch's end, and later
    [InlineData(OptimizerKind.Momentum, new[] { 3, 30 })]          // momentum buffers carried over
    [InlineData(OptimizerKind.AdamW, new[] { 2, 11, 12, 40 })]     // consecutive batches, across epoch boundaries
    public void Resume_AfterInterruptions_GivesBitwiseTheSameModelAsAnUninterruptedRun(OptimizerKind optimizer, int[] stops)
    {
        var settings = Settings with { Optimizer = optimizer };
        var straight = TrainingSession.Start(Data(), settings).Run();
        var resumed = Interrupted(settings, stops);
        Assert.Equal(ModelBytes(straight, "straight.safetensors"), ModelBytes(resumed, "resumed.safetensors"));
        Assert.Equal(straight.BestEpoch, resumed.BestEpoch);
        Assert.Equal(straight.History.Select(h => (h.Epoch, h.TrainLoss, h.ValidationLoss)), resumed.History.Select(h => (h.Epoch, h.TrainLoss, h.ValidationLoss)));
    }

    [Fact]
    public void Resume_WithMoreEpochs_ContinuesAsIfTheRunHadBeenLonger()
    {
        var checkpoint = Path.Combine(_folder, "short.ckpt");
        TrainingSession.Start(Data(), Settings with { Epochs = 3 }).Run(options: new TrainingRunOptions { CheckpointPath = checkpoint });
        var continued = TrainingSession.Resume(checkpoint, Data(), Settings).Run();
        var straight = TrainingSession.Start(Data(), Settings).Run();
        Assert.Equal(ModelBytes(straight, "a.safetensors"), ModelBytes(continued, "b.safetensors"));
    }

    [Theory]
    [InlineData("lr", 0.01)]
    [InlineData("hidden", 7)]
    [InlineData("seed", 6)]
    public void Resume_WithOtherSettings_IsRefusedNamingTheSetting(string name, double value)
    {
        var checkpoint = Path.Combine(_folder, "s.ckpt");
        TrainingSession.Start(Data(), Settings).Run(options: new TrainingRunOptions { CheckpointPath = checkpoint });
        var other = name switch
        {
            "lr" => Settings with { LearningRate = value },
            "hidden" => Settings with { HiddenSize = (int)value },
            _ => Settings with { Seed = (int)value },
        };
        var e = Assert.Throws<CheckpointException>(() => TrainingSession.Resume(checkpoint, Data(), other));
        string property = name switch { "lr" => nameof(ForecastSettings.LearningRate), "hidden" => nameof(ForecastSettings.HiddenSize), _ => nameof(ForecastSettings.Seed) };
        Assert.Contains($"ForecastSettings.{property} = ", e.Message);
        Assert.Equal(2, e.Settings.Count(s => s.Name == $"ForecastSettings.{property}"));
        Assert.Contains(checkpoint, e.Message);
    }

    [Fact]
    public void Resume_WithOtherData_IsRefusedNamingTheSeries()
    {
        var checkpoint = Path.Combine(_folder, "d.ckpt");
        TrainingSession.Start(Data(), Settings).Run(options: new TrainingRunOptions { CheckpointPath = checkpoint });
        var e = Assert.Throws<CheckpointException>(() => TrainingSession.Resume(checkpoint, Data(shortLength: 41), Settings));
        Assert.Contains("'SHORT'", e.Message);
        Assert.Contains("41 points", e.Message);
    }

    [Fact]
    public void Resume_FewerEpochsThanAlreadyRun_IsRefused()
    {
        var checkpoint = Path.Combine(_folder, "e.ckpt");
        TrainingSession.Start(Data(), Settings).Run(options: new TrainingRunOptions { CheckpointPath = checkpoint });
        var e = Assert.Throws<CheckpointException>(() => TrainingSession.Resume(checkpoint, Data(), Settings with { Epochs = 4 }));
        Assert.Contains("epoch 6", e.Message);
    }

    [Fact]
    public void Resume_FromAModelFile_SaysItIsNotACheckpoint()
    {
        var model = Path.Combine(_folder, "m.safetensors");
        ModelBundle.Save(TrainingSession.Start(Data(), Settings with { Epochs = 1 }).Run().Forecaster, model);
        var e = Assert.Throws<CheckpointException>(() => TrainingSession.Resume(model, Data(), Settings));
        Assert.Contains("not a training checkpoint", e.Message);
    }

    [Fact]
    public void Run_CheckpointThatCannotBeWritten_TrainsOnAndSaysWhy()
    {
        var nowhere = Path.Combine(_folder, "gone", "run.ckpt");   // its folder does not exist
        var fit = TrainingSession.Start(Data(), Settings).Run(options: new TrainingRunOptions { CheckpointPath = nowhere });
        var straight = TrainingSession.Start(Data(), Settings).Run();
        Assert.Equal(StopReason.Completed, fit.Stop);
        Assert.Contains($"cannot write {nowhere}", fit.CheckpointProblem);
        Assert.Equal(ModelBytes(straight, "a.safetensors"), ModelBytes(fit, "b.safetensors"));
    }

    [Fact]
    public void Resume_DamagedPosition_IsRefusedNotMisread()
    {
        var checkpoint = Path.Combine(_folder, "p.ckpt");
        TrainingSession.Start(Data(), Settings).Run(options: new TrainingRunOptions { CheckpointPath = checkpoint });
        var (tensors, metadata) = Unroll.Core.Io.SafeTensors.Read(checkpoint);
        var state = metadata["state"].Replace("\"shuffles\":6", "\"shuffles\":2000000000", StringComparison.Ordinal);
        Assert.NotEqual(metadata["state"], state);
        Unroll.Core.Io.SafeTensors.Write(checkpoint, tensors, new Dictionary<string, string>(metadata) { ["state"] = state });
        var e = Assert.Throws<CheckpointException>(() => TrainingSession.Resume(checkpoint, Data(), Settings));
        Assert.Contains("position is inconsistent", e.Message);
    }

    [Fact]
    public void Start_MeasuresTheInitialWeightsLossBeforeAnyUpdate()
    {
        var session = TrainingSession.Start(Data(), Settings);
        var untrained = session.Run(cancellation: new CancellationToken(canceled: true));
        Assert.Empty(untrained.History);
        Assert.False(untrained.Improved);
        // The same loss as evaluating the untouched initial network on the validation windows by hand.
        var set = Data();
        var windows = set.Series.SelectMany(s =>
        {
            var p = Forecaster.Prepare(s, Settings);
            var split = Windows.CreateSplit(p.Scaled, Settings.Lookback, 1, p.Split);
            double scale = p.Scalers.Target.Inverse(1) - p.Scalers.Target.Inverse(0);
            // Relative scaling written out: every value of the window and its target as (x / last − 1) / scale.
            return split.Validation.Select(w =>
            {
                double last = w.Inputs.Span[^1];
                return w.With(w.Inputs.ToArray().Select(x => (x / last - 1) / scale).ToArray(), w.Targets.ToArray().Select(x => (x / last - 1) / scale).ToArray());
            });
        }).ToList();
        var (batch, targets) = Forecaster.ToBatch(windows, 1, 1);
        double expected = new Trainer<float>(untrained.Forecaster.Network, Optimizer.Create<float>(OptimizerKind.Sgd)).Evaluate(batch, targets);
        Assert.Equal(expected, session.InitialLoss);
        Assert.Equal(expected, untrained.InitialLoss);
    }

    [Fact]
    public void Run_HugeLearningRate_StopsAsDivergedAndKeepsNothingWorseThanTheStart()
    {
        var fit = TrainingSession.Start(Data(), Settings with { LearningRate = 1e10, Optimizer = OptimizerKind.Sgd, ClipNorm = null, Epochs = 50 })
            .Run(options: new TrainingRunOptions { DebugNumerics = true });
        Assert.Equal(StopReason.Diverged, fit.Stop);
        Assert.NotNull(fit.Incident);
        Assert.Equal(1, fit.Incident!.Epoch);
        Assert.False(fit.Improved);
        Assert.Equal(0, fit.BestEpoch);
        Assert.All(fit.Forecaster.Network.Parameters, p => Assert.All(p.Value, v => Assert.True(float.IsFinite(v))));
    }

    [Fact]
    public void Run_DivergesAfterGoodEpochs_KeepsTheBestEpochBeforeIt()
    {
        var session = TrainingSession.Start(Data(), Settings);
        using var cancel = new CancellationTokenSource();
        var first = session.Run(new Inline(p => { if (p.Epoch == 3) cancel.Cancel(); }), cancel.Token);
        Assert.True(first.Improved);
        Poison(session);                          // from here on every batch's loss is NaN
        var fit = session.Run();
        Assert.Equal(StopReason.Diverged, fit.Stop);
        Assert.Equal((4, 3), (fit.Incident!.Epoch, fit.Incident.Batch));
        Assert.Equal(first.BestEpoch, fit.BestEpoch);
        Assert.Equal(first.BestLoss, fit.BestLoss);
        Assert.True(fit.BestLoss < fit.InitialLoss);
        Assert.Equal(first.Forecaster.Network.Parameters.Select(p => p.Value), fit.Forecaster.Network.Parameters.Select(p => p.Value));
    }

    private static void Poison(TrainingSession session) => session.Network.Parameters[0].Value[0] = float.NaN;

    private sealed class Inline(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    [Fact]
    public void Run_NotFiniteLossInEveryBatch_StopsAfterThreeInARowNamingEpochAndBatch()
    {
        var session = TrainingSession.Start(Data(), Settings);
        Poison(session);                          // every batch's loss is NaN: three are skipped, then training stops
        var fit = session.Run(options: new TrainingRunOptions { DebugNumerics = true });
        Assert.Equal(StopReason.Diverged, fit.Stop);
        Assert.Equal((1, 3), (fit.Incident!.Epoch, fit.Incident.Batch));
        Assert.Contains("3 batches in a row", fit.Incident.What);
        Assert.Equal("rnn.weight_ih_l0", fit.Incident.FirstNonFinite!.Tensor);
        Assert.Empty(fit.History);
        Assert.False(fit.Improved);
    }
}
