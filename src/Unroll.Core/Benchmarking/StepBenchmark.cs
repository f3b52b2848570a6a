using System.Diagnostics;
using Unroll.Core.Training;
using Unroll.Numerics;

namespace Unroll.Core.Benchmarking;

/// <summary>A benchmark workload: the same as PyTorch's anchor script (batch first, loss on the head at the last step).</summary>
/// <param name="Cell">The cell.</param>
/// <param name="InputSize">I.</param>
/// <param name="HiddenSize">H.</param>
/// <param name="Layers">L.</param>
/// <param name="Steps">T, every sequence's length.</param>
/// <param name="BatchSize">B, sequences per batch.</param>
public sealed record Workload(CellKind Cell, int InputSize, int HiddenSize, int Layers, int Steps, int BatchSize)
{
    /// <summary>Floating-point operations of the matrix products in one forward pass (2 per multiply-add).</summary>
    public double ForwardFlops
    {
        get
        {
            double gh = Cell.GateCount() * (double)HiddenSize, n = (double)Steps * BatchSize, total = 0;
            for (int l = 0; l < Layers; l++) total += 2 * n * gh * ((l == 0 ? InputSize : HiddenSize) + HiddenSize);
            return total + 2.0 * BatchSize * HiddenSize;
        }
    }

    /// <summary>The products of a training step: the forward, and twice that backward (input and weight gradients).</summary>
    public double TrainFlops => 3 * ForwardFlops;

    /// <summary>
    /// Bytes a float32 training step cannot do without: the activations BPTT reads back for every step (RNN: h;
    /// LSTM: the four gates, c and h; GRU: the three gates, W_hn·h' + b_hn and h) and, per parameter, its value,
    /// gradient and Adam's two moments.
    /// </summary>
    public double BpttFloorBytes
    {
        get
        {
            int perRow = Cell switch { CellKind.Lstm => 6, CellKind.Gru => 5, _ => 1 };
            double activations = (double)Steps * BatchSize * HiddenSize * perRow * Layers;
            double parameters = new NetworkShape(Cell, InputSize, HiddenSize, Layers, 1).ParameterCount;
            return 4 * (activations + 4 * parameters);
        }
    }
}

/// <summary>Timings of one workload: medians over repeated runs after warm-up.</summary>
/// <param name="TrainMs">One training step: forward, MSE loss, BPTT, Adam update (median, milliseconds).</param>
/// <param name="InferMs">One forward pass to the head's outputs, <see cref="RecurrentNetwork{T}.Infer"/> (median, milliseconds).</param>
/// <param name="TrainGflops">The training step's matrix-product rate.</param>
/// <param name="Threads">Threads the matrix products could use.</param>
/// <param name="Repeats">Timed runs per figure.</param>
/// <param name="TrainingBytes">Bytes the training loop holds between steps (network, optimizer, tape, workspace, packed
/// weights, kernel buffers), measured on the managed heap, the input batch excluded.</param>
/// <param name="FloorBytes">What BPTT must keep: <see cref="Workload.BpttFloorBytes"/>.</param>
public sealed record BenchmarkResult(double TrainMs, double InferMs, double TrainGflops, int Threads, int Repeats,
    double TrainingBytes = 0, double FloorBytes = 0);

/// <summary>Times training steps and forward passes of a workload with synthetic data (seeded).</summary>
public static class StepBenchmark
{
    /// <summary>Runs the workload: warm-up runs (at least 5 and 0.4 s), then <paramref name="repeats"/> timed runs of each figure.</summary>
    public static BenchmarkResult Run(Workload workload, int repeats = 20, int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(workload);
        if (repeats < 1) throw new ArgumentException($"repeats must be at least 1, got {repeats}");
        int saved = Gemm.MaxThreads;
        if (threads is int t) Gemm.MaxThreads = t;
        try
        {
            var random = new Random(1);
            var sequences = Enumerable.Range(0, workload.BatchSize)
                .Select(_ => Enumerable.Range(0, workload.Steps * workload.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray())
                .ToList();
            var batch = SequenceBatch<float>.FromFlat(sequences, workload.InputSize);
            sequences = null;
            var targets = Enumerable.Range(0, workload.BatchSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            long before = GC.GetTotalMemory(forceFullCollection: true);

            var shape = new NetworkShape(workload.Cell, workload.InputSize, workload.HiddenSize, workload.Layers, 1);
            var network = RecurrentNetwork<float>.Create(shape, seed: 0);
            var trainer = new Trainer<float>(network, new Adam<float>(weightDecay: 0), new TrainerOptions { Loss = LossKind.MeanSquared });

            double train = Median(repeats, () => trainer.Step(batch, targets, 1e-3));
            long held = GC.GetTotalMemory(forceFullCollection: true) - before;
            GC.KeepAlive(trainer);
            double infer = Median(repeats, () => network.Infer(batch));
            return new BenchmarkResult(train, infer, workload.TrainFlops / (train * 1e6), Gemm.MaxThreads, repeats, held, workload.BpttFloorBytes);
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    private static double Median(int repeats, Action run)
    {
        // Warm up for at least 5 runs and 0.4 s, as the help and docs say, however quick a run is: caches, branch
        // predictors and, in a host that tiers its JIT, the optimised code (promoted in the background after ~100 ms).
        var warmup = Stopwatch.StartNew();
        for (int i = 0; i < 5 || warmup.ElapsedMilliseconds < 400; i++) run();
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            run();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return repeats % 2 == 1 ? times[repeats / 2] : (times[repeats / 2 - 1] + times[repeats / 2]) / 2;
    }
}
