using System.Diagnostics;
using Unroll.Core;
using Unroll.Core.Training;
using Unroll.Data;

namespace Unroll.Forecasting;

/// <summary>How a <see cref="TrainingSession"/> runs: checkpoints, diagnostics and a per-batch hook. None of it changes the result.</summary>
public sealed record TrainingRunOptions
{
    /// <summary>Write a checkpoint here (atomically) every <see cref="CheckpointEvery"/> epochs, when cancelled, and at the end.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Epochs between checkpoints (at least 1).</summary>
    public int CheckpointEvery { get; init; } = 1;

    /// <summary>When a step fails, rerun it keeping every intermediate and name where the first non-finite value appears.</summary>
    public bool DebugNumerics { get; init; }

    /// <summary>Called after every batch that ran, with the epoch and the batch's number in it (both from 1).</summary>
    public Action<int, int>? BatchCompleted { get; init; }
}

/// <summary>Why training stopped on its own before its epochs were done, and where.</summary>
/// <param name="Epoch">The epoch (from 1).</param>
/// <param name="Batch">The batch within it (from 1).</param>
/// <param name="What">What happened, as a sentence fragment ("the loss was NaN in 3 batches in a row").</param>
/// <param name="FirstNonFinite">With <see cref="TrainingRunOptions.DebugNumerics"/>: the first non-finite value of the failed step.</param>
public sealed record TrainingIncident(int Epoch, int Batch, string What, NonFiniteValue? FirstNonFinite);

/// <summary>
/// One training run of a <see cref="Forecaster"/>, resumable: everything it needs to continue (weights, optimizer
/// moments and step count, epoch and batch position, the shuffled order and how many shuffles made it, the best
/// weights and loss, the early-stopping counter, the settings and a fingerprint of the data) can be written to a
/// checkpoint, and a run resumed from it ends with bitwise the same model as one never interrupted.
/// </summary>
/// <remarks>
/// Guards: the loss of the initial weights (validation windows, else training windows) is measured before the first
/// update. A batch whose loss or gradient is not finite is skipped; three in a row, a batch loss above
/// <see cref="DivergenceFactor"/> times the initial loss, or an update that makes a weight non-finite stop training.
/// The best weights are those of the epoch with the lowest validation loss (training loss without validation), and
/// early stopping counts epochs since it; <see cref="FitResult.Improved"/> says whether they beat the initial weights.
/// </remarks>
public sealed class TrainingSession
{
    /// <summary>Non-finite batches in a row that stop training.</summary>
    public const int MaxBadBatchesInARow = 3;

    /// <summary>A batch loss this many times the initial weights' loss stops training.</summary>
    public const double DivergenceFactor = 1000;

    private readonly SeriesSet _data;
    private readonly ResolvedSettings _resolved;
    private readonly ForecastSettings _settings;
    private readonly List<Forecaster.PreparedSeries> _prepared;
    private readonly WindowSet _train, _validation;   // views into the prepared series, assembled batch by batch
    private readonly Forecaster.Anchor?[] _anchors;   // each series' anchor (relative or difference scaling), else null
    private readonly int _inputSize;
    private readonly Random _random;
    private readonly RecurrentNetwork<float> _network, _best;
    private readonly Trainer<float> _trainer;
    private readonly List<TrainingProgress> _history = [];

    // The position: between epochs (_position < 0, _epoch epochs done) or inside epoch _epoch at order index _position.
    private int[] _order;
    private int _shuffles, _epoch, _position = -1;
    private double _lossSum, _normSum;             // this epoch's sums over the batches that ran
    private int _batches, _badInARow;
    private double _initialLoss, _bestLoss = double.PositiveInfinity;
    private int _bestEpoch, _sinceBest;
    private StopReason? _stop;
    private TrainingIncident? _incident;
    private TimeSpan _elapsedBefore;
    private string? _checkpointProblem;

    private TrainingSession(SeriesSet data, ResolvedSettings resolved)
    {
        var settings = resolved.Settings;
        settings.Validate();
        _data = data;
        _settings = settings;
        _resolved = resolved;
        _prepared = data.Series.Select(s => Forecaster.Prepare(s, settings, source: data)).ToList();
        (_train, _validation, _) = WindowSet.CreateSplit(_prepared.Select(p => p.Scaled).ToList(), _prepared.Select(p => p.Split).ToList(),
            settings.Lookback, settings.OutputSize);
        _anchors = _prepared.Select(p => settings.IsAnchored ? Forecaster.AnchorOf(p.Scalers, settings) : (Forecaster.Anchor?)null).ToArray();
        if (_train.Count == 0)
            throw new DataException($"no training windows: every series is shorter than the lookback plus the horizon; use a shorter {ForecastFixes.Of(nameof(ForecastSettings.Lookback))}",
                ForecastFixes.Of(nameof(ForecastSettings.Lookback)));

        _inputSize = 1 + data.FeatureNames.Count;
        var shape = new NetworkShape(settings.Cell, _inputSize, settings.HiddenSize, settings.Layers, settings.OutputSize);
        _random = new Random(settings.Seed);
        _network = RecurrentNetwork<float>.Create(shape, _random);
        _best = _network.Clone();
        _trainer = new Trainer<float>(_network, Unroll.Core.Training.Optimizer.Create<float>(settings.Optimizer),
            new TrainerOptions { Loss = settings.Loss, ClipNorm = settings.ClipNorm });
        _order = Enumerable.Range(0, _train.Count).ToArray();
    }

    /// <summary>Prepares a run on every series of <paramref name="data"/> and measures the initial weights' loss.</summary>
    /// <exception cref="DataException">A series is too short for the lookback, horizon and split, or constant.</exception>
    public static TrainingSession Start(SeriesSet data, ForecastSettings settings)
    {
        var (included, resolved) = Resolve(data, settings);
        var session = new TrainingSession(included, resolved);
        session._initialLoss = session.InitialScore();
        return session;
    }

    // The settings as this data makes them (scaling chosen, lookback shortened) and the series training uses.
    private static (SeriesSet Included, ResolvedSettings Resolved) Resolve(SeriesSet data, ForecastSettings settings)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var resolved = settings.Resolve(data);
        if (resolved.Excluded.Count == 0) return (data, resolved);
        var kept = data.Series.Where(s => !resolved.Excluded.ContainsKey(s.Symbol)).ToList();
        return (new SeriesSet(kept, data.TargetColumn, data.FeatureNames, data.SourceFile), resolved);
    }

    /// <summary>Continues the run saved in <paramref name="checkpointPath"/>; <paramref name="settings"/> may differ only in <see cref="ForecastSettings.Epochs"/> (the total).</summary>
    /// <exception cref="CheckpointException">The file is not a checkpoint, or was made with other data or settings (the message names the difference).</exception>
    public static TrainingSession Resume(string checkpointPath, SeriesSet data, ForecastSettings settings)
    {
        var checkpoint = TrainingCheckpoint.Read(checkpointPath);
        var (included, resolved) = Resolve(data, settings);
        checkpoint.RequireSameRun(included, resolved.Settings);
        var session = new TrainingSession(included, resolved);
        checkpoint.Restore(session);
        if (session._epoch > settings.Epochs)
            throw new CheckpointException($"{checkpointPath} has already reached epoch {session._epoch}, but {settings.Epochs} epochs were asked for; the epochs setting counts every epoch, resumed or not: give at least {session._epoch}");
        return session;
    }

    /// <summary>The settings of this run.</summary>
    public ForecastSettings Settings => _settings;

    /// <summary>The loss of the initial weights (validation windows, else training windows), measured before any update.</summary>
    public double InitialLoss => _initialLoss;

    /// <summary>
    /// Trains until the epochs are done, early stopping, a divergence, or <paramref name="cancellation"/> (checked
    /// before every batch). The result holds the best weights so far; after a cancellation the run can go on with
    /// another call or from its checkpoint.
    /// </summary>
    public FitResult Run(IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default, TrainingRunOptions? options = null)
    {
        options ??= new TrainingRunOptions();
        if (options.CheckpointEvery < 1) throw new ArgumentOutOfRangeException(nameof(options), options.CheckpointEvery, "checkpoint interval must be at least 1 epoch");
        var clock = Stopwatch.StartNew();
        TimeSpan Elapsed() => _elapsedBefore + clock.Elapsed;
        StopReason? thisCall = null;
        bool savedHere = false;   // whether the position reached was just checkpointed
        while (thisCall is null)
        {
            if (_position < 0)
            {
                if (_stop is { } done) { thisCall = done; break; }
                if (_epoch >= _settings.Epochs) { thisCall = StopReason.Completed; break; }
                _epoch++;
                _random.Shuffle(_order);
                _shuffles++;
                _position = 0;
                _lossSum = _normSum = 0;
                _batches = 0;
                savedHere = false;
            }
            while (_position < _order.Length && _stop is null)
            {
                if (cancellation.IsCancellationRequested) { thisCall = StopReason.Cancelled; break; }
                RunBatch(options);
                _position += _settings.BatchSize;
                savedHere = false;
            }
            if (thisCall is not null) break;
            if (_stop is not null) { thisCall = _stop; break; }   // diverged inside the epoch: no epoch end
            EndEpoch(Elapsed(), progress);
            bool due = _epoch % options.CheckpointEvery == 0 || _stop is not null || _epoch >= _settings.Epochs;
            if (options.CheckpointPath is { } path && due) TryCheckpoint(path, Elapsed());
            savedHere = due;
        }
        if (options.CheckpointPath is { } final && (thisCall == StopReason.Cancelled || !savedHere) && thisCall != StopReason.Diverged)
            TryCheckpoint(final, Elapsed());
        _elapsedBefore = Elapsed();
        return Result(thisCall.Value);
    }

    // A checkpoint that cannot be written (disk full, folder gone) must not cost the run: training goes on without
    // checkpoints, and the result says why.
    private void TryCheckpoint(string path, TimeSpan elapsed)
    {
        if (_checkpointProblem is not null) return;
        try { TrainingCheckpoint.Write(path, this, elapsed); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { _checkpointProblem = e.Message; }
    }

    private void RunBatch(TrainingRunOptions options)
    {
        int batchNumber = _position / _settings.BatchSize + 1;
        var chosen = _order.AsSpan(_position, Math.Min(_order.Length, _position + _settings.BatchSize) - _position);
        var (batch, targets) = Forecaster.ToBatch(_train, chosen, _anchors, _settings.OutputSize);
        StepResult step;
        try
        {
            step = _trainer.Step(batch, targets, _settings.LearningRate);
        }
        catch (TrainingDivergedException e)
        {
            var probe = options.DebugNumerics ? NumericsProbe.FindFirst(_network, batch, targets, _settings.Loss) : null;
            if (e.Kind == DivergenceKind.Weights)
            {
                _stop = StopReason.Diverged;
                _incident = new TrainingIncident(_epoch, batchNumber, $"the update made {e.Parameter} non-finite", probe);
                return;
            }
            if (++_badInARow >= MaxBadBatchesInARow)
            {
                _stop = StopReason.Diverged;
                string what = e.Kind == DivergenceKind.Loss ? "loss" : "gradient";
                _incident = new TrainingIncident(_epoch, batchNumber, $"the {what} was not finite in {MaxBadBatchesInARow} batches in a row", probe);
            }
            return;
        }
        if (_initialLoss > 0 && step.Loss > DivergenceFactor * _initialLoss)
        {
            _stop = StopReason.Diverged;
            var probe = options.DebugNumerics ? NumericsProbe.FindFirst(_network, batch, targets, _settings.Loss) : null;
            _incident = new TrainingIncident(_epoch, batchNumber,
                $"the loss reached {Number(step.Loss)}, over {DivergenceFactor:G} times the initial weights' {Number(_initialLoss)}", probe);
            return;
        }
        _badInARow = 0;
        _lossSum += step.Loss;
        _normSum += step.GradientNorm;
        _batches++;
        options.BatchCompleted?.Invoke(_epoch, batchNumber);
    }

    private void EndEpoch(TimeSpan elapsed, IProgress<TrainingProgress>? progress)
    {
        double trainLoss = _batches > 0 ? _lossSum / _batches : double.NaN;
        double? validationLoss = _validation.Count > 0 ? ValidationLoss() : null;
        double score = validationLoss ?? trainLoss;
        bool isBest = score < _bestLoss;
        if (isBest)
        {
            _bestLoss = score;
            _bestEpoch = _epoch;
            _sinceBest = 0;
            _best.CopyFrom(_network);
        }
        else if (++_sinceBest >= _settings.Patience && validationLoss is not null)
        {
            _stop = StopReason.EarlyStopped;
        }
        var report = new TrainingProgress(_epoch, _settings.Epochs, trainLoss, validationLoss, _batches > 0 ? _normSum / _batches : double.NaN, elapsed, isBest);
        _history.Add(report);
        _position = -1;
        progress?.Report(report);
    }

    private FitResult Result(StopReason stop)
    {
        var scalers = _prepared.ToDictionary(p => p.Original.Symbol, p => p.Scalers, StringComparer.Ordinal);
        var untrained = new Forecaster(_best.Clone(), _settings, _data.TargetColumn, _data.FeatureNames, scalers).WithStep(DataStep.Common(_data));
        int offset = _settings.Target == TargetKind.Price ? 0 : 1;
        var naiveScales = _prepared.ToDictionary(p => p.Original.Symbol,
            p => MetricsCalculator.NaiveScale(p.Original.Values.AsSpan(0, p.Split.TrainEnd + offset)), StringComparer.Ordinal);
        var adjustments = _prepared.Where(p => p.Adjustment is not null).ToDictionary(p => p.Original.Symbol, p => p.Adjustment!, StringComparer.Ordinal);
        var classical = _prepared.ToDictionary(p => p.Original.Symbol, p => p.Split.ValidationEnd + offset, StringComparer.Ordinal);
        var scaled = untrained.WithParts(adjustments, classical).WithIntervals(null, naiveScales);
        var guarded = scaled.WithParts(adjustments, classical, scaled.PartsWorseThanNaive(_prepared));
        var forecaster = _bestEpoch > 0 ? guarded.WithIntervals(guarded.Calibrate(_prepared), naiveScales) : guarded;
        return new FitResult(forecaster, _history.ToList(), stop, _bestEpoch, _train.Count, _validation.Count)
        {
            InitialLoss = _initialLoss,
            BestLoss = _bestLoss,
            Incident = _incident,
            CheckpointProblem = _checkpointProblem,
            Notes = [.. _resolved.Notes, .. SeasonalNote(adjustments), .. LeftOutNote(forecaster), .. StepNote(forecaster)],
            Excluded = _resolved.Excluded,
        };
    }

    // One line naming the series whose seasonal pattern the network does not see (at most five by name).
    private IEnumerable<string> SeasonalNote(IReadOnlyDictionary<string, SeasonalAdjustment> adjustments)
    {
        if (adjustments.Count == 0) yield break;
        var named = adjustments.Take(5).Select(kv => $"{kv.Key}: {kv.Value.Describe()}");
        string more = adjustments.Count > 5 ? $"; and {adjustments.Count - 5} more" : "";
        yield return $"seasonal patterns taken out before the network and put back into its forecasts for {adjustments.Count} of {_prepared.Count} series ({string.Join("; ", named)}{more})";
    }

    // One line naming the series whose combination leaves a part out, and why.
    private IEnumerable<string> LeftOutNote(Forecaster forecaster)
    {
        var leftOut = forecaster.LeftOut.Where(kv => kv.Value.Count > 0).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        if (leftOut.Count == 0) yield break;
        var named = leftOut.Take(5).Select(kv => $"{kv.Key}: {forecaster.DescribeFor(kv.Key)}");
        string more = leftOut.Count > 5 ? $"; and {leftOut.Count - 5} more" : "";
        yield return $"on {leftOut.Count} of {_prepared.Count} series a part of the combination erred more than the naive forecast on the validation part and was left out ({string.Join("; ", named)}{more})";
    }

    // A model that records no step cannot refuse data of another step later: say so.
    private IEnumerable<string> StepNote(Forecaster forecaster)
    {
        var dated = _data.Series.Where(s => s.Length >= 2).ToList();
        if (forecaster.TrainedStep is null && dated.Count > 0)
            yield return "the series' dates keep no one step (a day, a week, a month…), so the model records none and cannot check that the data it forecasts later moves by the same step";
        else if (forecaster.TrainedStep is { } step && dated.Count > 0 && dated.All(s => !Frequency.Infer(s).IsRegular))
            yield return $"the series' dates fit no regular spacing, but the median gap between them is about {step.Unit}: the model records {step.Plural} as its step and will refuse data of another step";
    }

    private static string Number(double value) => value.ToString("G4", System.Globalization.CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);

    // The loss of the weights as they are: on the validation windows, else on all training windows in chunks.
    private double InitialScore()
    {
        if (_validation.Count > 0) return ValidationLoss();
        const int Chunk = 4096;
        double sum = 0;
        for (int start = 0; start < _train.Count; start += Chunk)
        {
            int count = Math.Min(Chunk, _train.Count - start);
            var (batch, targets) = Forecaster.ToBatch(_train, Enumerable.Range(start, count).ToArray(), _anchors, _settings.OutputSize);
            sum += _trainer.Evaluate(batch, targets) * count;
        }
        return sum / _train.Count;
    }

    /// <summary>The most input steps one validation batch holds; more windows are evaluated in chunks of about
    /// this many steps, each chunk's mean loss weighted by its windows. Below it the validation windows are one
    /// batch, as they always were: a chunked mean sums in another order and can differ in the last bits.</summary>
    internal const int ValidationChunkSteps = 1 << 16;

    // The loss on the validation windows, assembled from their series chunk by chunk (never all copied at once).
    private double ValidationLoss()
    {
        double sum = 0;
        var chunk = new List<int>();
        int steps = 0;
        for (int i = 0; i < _validation.Count; i++)
        {
            chunk.Add(i);
            steps += _validation[i].Steps;
            if (steps >= ValidationChunkSteps || i == _validation.Count - 1)
            {
                var (batch, targets) = Forecaster.ToBatch(_validation, chunk.ToArray(), _anchors, _settings.OutputSize);
                double loss = _trainer.Evaluate(batch, targets);
                if (chunk.Count == _validation.Count) return loss;
                sum += loss * chunk.Count;
                chunk.Clear();
                steps = 0;
            }
        }
        return sum / _validation.Count;
    }

    /// <summary>The state a checkpoint holds, read and written by <see cref="TrainingCheckpoint"/>.</summary>
    internal sealed record State(int Epoch, int Position, int Shuffles, int[] Order, double LossSum, double NormSum, int Batches,
        int BadInARow, double InitialLoss, double BestLoss, int BestEpoch, int SinceBest, StopReason? Stop, TimeSpan Elapsed,
        IReadOnlyList<TrainingProgress> History);

    internal SeriesSet Data => _data;
    internal RecurrentNetwork<float> Network => _network;
    internal RecurrentNetwork<float> Best => _best;
    internal IOptimizer<float> Optimizer => _trainer.Optimizer;

    internal State Capture(TimeSpan elapsed) => new(_epoch, _position, _shuffles, (int[])_order.Clone(), _lossSum, _normSum, _batches,
        _badInARow, _initialLoss, _bestLoss, _bestEpoch, _sinceBest, _stop, elapsed, _history.ToList());

    /// <summary>Restores a captured state: replays the shuffles on a fresh order and checks it reproduces the saved one.</summary>
    internal void Restore(State state, string source)
    {
        if (state.Epoch < 0 || state.Shuffles != state.Epoch || state.Position < -1 || state.Position > _order.Length + _settings.BatchSize
            || state.BestEpoch < 0 || state.BestEpoch > state.Epoch || state.History.Count > state.Epoch)
            throw new CheckpointException($"{source}: the checkpoint's position is inconsistent (epoch {state.Epoch}, {state.Shuffles} shuffles, position {state.Position}); it is damaged: start the run again");
        if (state.Order.Length != _order.Length)
            throw new CheckpointException($"{source} holds an order of {state.Order.Length} training windows, the data give {_order.Length}");
        for (int k = 0; k < state.Shuffles; k++) _random.Shuffle(_order);
        if (!_order.AsSpan().SequenceEqual(state.Order))
            throw new CheckpointException($"{source}: replaying its {state.Shuffles} shuffles does not give the order it saved (made by another version of .NET or Unroll?); start the run again without resuming");
        (_shuffles, _epoch, _position) = (state.Shuffles, state.Epoch, state.Position);
        (_lossSum, _normSum, _batches, _badInARow) = (state.LossSum, state.NormSum, state.Batches, state.BadInARow);
        (_initialLoss, _bestLoss, _bestEpoch, _sinceBest) = (state.InitialLoss, state.BestLoss, state.BestEpoch, state.SinceBest);
        _stop = state.Stop;
        _elapsedBefore = state.Elapsed;
        _history.Clear();
        _history.AddRange(state.History);
    }
}
