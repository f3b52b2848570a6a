namespace Unroll.Core.Training;

/// <summary>A learning rate as a function of the epoch (0-based).</summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate for epoch <paramref name="epoch"/>.</summary>
    public abstract double Rate(int epoch);

    /// <summary>The same rate every epoch.</summary>
    public static LearningRateSchedule Constant(double rate) => new ConstantSchedule(rate);

    /// <summary>Multiplies the rate by <paramref name="gamma"/> every <paramref name="stepSize"/> epochs (PyTorch's StepLR).</summary>
    public static LearningRateSchedule Step(double rate, int stepSize, double gamma) => new StepSchedule(rate, stepSize, gamma);

    /// <summary>Cosine annealing from <paramref name="rate"/> to <paramref name="minimum"/> over <paramref name="epochs"/> (PyTorch's CosineAnnealingLR).</summary>
    public static LearningRateSchedule Cosine(double rate, int epochs, double minimum = 0) => new CosineSchedule(rate, epochs, minimum);

    private sealed class ConstantSchedule(double rate) : LearningRateSchedule
    {
        public override double Rate(int epoch) => rate;
    }

    private sealed class StepSchedule : LearningRateSchedule
    {
        private readonly double _rate, _gamma;
        private readonly int _stepSize;

        public StepSchedule(double rate, int stepSize, double gamma)
        {
            if (stepSize < 1) throw new ArgumentException($"the step schedule's step size must be at least 1 epoch, got {stepSize}");
            (_rate, _stepSize, _gamma) = (rate, stepSize, gamma);
        }

        public override double Rate(int epoch) => _rate * Math.Pow(_gamma, epoch / _stepSize);
    }

    private sealed class CosineSchedule : LearningRateSchedule
    {
        private readonly double _rate, _minimum;
        private readonly int _epochs;

        public CosineSchedule(double rate, int epochs, double minimum)
        {
            if (epochs < 1) throw new ArgumentException($"the cosine schedule needs at least 1 epoch, got {epochs}");
            (_rate, _epochs, _minimum) = (rate, epochs, minimum);
        }

        public override double Rate(int epoch)
            => _minimum + (_rate - _minimum) * (1 + Math.Cos(Math.PI * Math.Min(epoch, _epochs) / _epochs)) / 2;
    }
}
