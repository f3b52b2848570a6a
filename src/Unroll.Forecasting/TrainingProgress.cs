namespace Unroll.Forecasting;

/// <summary>What one epoch of training did, reported through <see cref="IProgress{T}"/>.</summary>
/// <param name="Epoch">The epoch just finished, from 1.</param>
/// <param name="Epochs">The most epochs that will run.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's batches (scaled units).</param>
/// <param name="ValidationLoss">Loss on the validation windows; null without validation.</param>
/// <param name="GradientNorm">Mean global gradient norm over the epoch's batches, before clipping.</param>
/// <param name="Elapsed">Time since training started.</param>
/// <param name="IsBest">Whether this epoch's weights are the best so far (the ones that will be kept).</param>
public sealed record TrainingProgress(int Epoch, int Epochs, double TrainLoss, double? ValidationLoss, double GradientNorm,
    TimeSpan Elapsed, bool IsBest)
{
    /// <summary>Estimated time left if every remaining epoch runs.</summary>
    public TimeSpan Remaining => Epoch == 0 ? TimeSpan.Zero : Elapsed / Epoch * (Epochs - Epoch);
}

/// <summary>Why training ended.</summary>
public enum StopReason
{
    /// <summary>All epochs ran.</summary>
    Completed,
    /// <summary>The validation loss stopped improving for the patience.</summary>
    EarlyStopped,
    /// <summary>The caller cancelled (Ctrl-C); the best weights so far were kept.</summary>
    Cancelled,
    /// <summary>The loss, the gradient or the weights stopped being usable (see <see cref="FitResult.Incident"/>); the best weights so far were kept.</summary>
    Diverged,
}
