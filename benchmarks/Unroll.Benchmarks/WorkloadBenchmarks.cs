// Glossary: the issue's workloads W0..W6, timed end to end (one training step, one forward pass, one inference) and
// at the level of the matrix products one step issues. C cell, I inputs, H hidden, L layers, T steps, B batch, G gates
// (LSTM 4, GRU 3).
//   dotnet run -c Release --project benchmarks/Unroll.Benchmarks -- --filter '*WorkloadBenchmarks*W4*' --job short
//   dotnet run -c Release --project benchmarks/Unroll.Benchmarks -- --filter '*EngineGemmBenchmarks*W1*'
// The same workloads against PyTorch: benchmarks/compare.sh.
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using Unroll.Core;
using Unroll.Core.Benchmarking;
using Unroll.Core.Training;
using Unroll.Numerics;

namespace Unroll.Benchmarks;

/// <summary>A workload with its issue name (W0..W6); the name is what <c>--filter '*W4*'</c> matches.</summary>
public sealed record NamedWorkload(string Name, Workload Workload)
{
    /// <summary>The issue's seven workloads, small to large.</summary>
    public static IReadOnlyList<NamedWorkload> All { get; } =
    [
        new("W0", new Workload(CellKind.RnnRelu, 1, 1, 1, 3, 4)),
        new("W1", new Workload(CellKind.Lstm, 1, 32, 1, 30, 64)),
        new("W2", new Workload(CellKind.Lstm, 8, 128, 2, 50, 64)),
        new("W3", new Workload(CellKind.Lstm, 64, 512, 1, 100, 128)),
        new("W4", new Workload(CellKind.Lstm, 1, 64, 1, 30, 1)),
        new("W5", new Workload(CellKind.Gru, 1, 32, 1, 30, 64)),
        new("W6", new Workload(CellKind.RnnTanh, 1, 64, 1, 30, 64)),
    ];

    public override string ToString() =>
        $"{Name} {Workload.Cell.ToName()} {Workload.InputSize}-{Workload.HiddenSize}x{Workload.Layers} T{Workload.Steps} B{Workload.BatchSize}";
}

/// <summary>Shows the parameter names in full (BenchmarkDotNet cuts them at 20 characters).</summary>
public sealed class WideParametersConfig : ManualConfig
{
    public WideParametersConfig() => SummaryStyle = SummaryStyle.Default.WithMaxParameterColumnWidth(40);
}

/// <summary>
/// One training step (forward, MSE loss on the head at the last step, BPTT, Adam) and one forward pass, set up as
/// <see cref="StepBenchmark"/> and PyTorch's anchor script do: synthetic seeded data, every sequence T steps long.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(WideParametersConfig))]
public class WorkloadBenchmarks
{
    private RecurrentNetwork<float> _network = null!;
    private SequenceBatch<float> _batch = null!;
    private float[] _targets = [];
    private Trainer<float> _trainer = null!;
    private ForwardPass<float>? _pass;

    public static IEnumerable<NamedWorkload> Workloads => NamedWorkload.All;

    [ParamsSource(nameof(Workloads))]
    public NamedWorkload Workload { get; set; } = NamedWorkload.All[0];

    [GlobalSetup]
    public void Setup()
    {
        Workload w = Workload.Workload;
        var shape = new NetworkShape(w.Cell, w.InputSize, w.HiddenSize, w.Layers, 1);
        _network = RecurrentNetwork<float>.Create(shape, seed: 0);
        var random = new Random(1);
        var sequences = Enumerable.Range(0, w.BatchSize)
            .Select(_ => Enumerable.Range(0, w.Steps * w.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray())
            .ToList();
        _batch = SequenceBatch<float>.FromFlat(sequences, w.InputSize);
        _targets = Enumerable.Range(0, w.BatchSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        _trainer = new Trainer<float>(_network, new Adam<float>(weightDecay: 0), new TrainerOptions { Loss = LossKind.MeanSquared });
    }

    /// <summary>Forward, loss, BPTT and the Adam update.</summary>
    [Benchmark]
    public StepResult TrainStep() => _trainer.Step(_batch, _targets, 1e-3);

    /// <summary>
    /// The forward pass alone (it keeps what a backward pass would need, as training does), writing into the same tape
    /// each call as the trainer does: the public Forward allocates a new tape, which would time the allocation (W3's
    /// tape is 160 MB) and the garbage collector along with the pass.
    /// </summary>
    [Benchmark]
    public ForwardPass<float> Forward() => _pass = _network.ForwardCore(_batch, null, _pass);

    /// <summary>Inference: the outputs alone, without the gates' tape (what `unroll bench` times as the forward).</summary>
    [Benchmark]
    public float[] Infer() => _network.Infer(_batch);
}

/// <summary>One product the engine issues for a workload: C (M × N) = or += op(A) · op(B).</summary>
public sealed record EngineProduct(string Workload, string Product, Transpose TransA, Transpose TransB, int M, int N, int K, bool Accumulate)
{
    /// <summary>
    /// The products of one training step of layer 0 (n = T·B rows of the input projection, GH = G·H gate rows), as
    /// RecurrentNetwork issues them, for the workloads whose products the plain reference finishes in well under a
    /// second (at most 20 M multiply-adds).
    /// </summary>
    public static IEnumerable<EngineProduct> Of(NamedWorkload named)
    {
        Workload w = named.Workload;
        int n = w.Steps * w.BatchSize, gh = w.Cell.GateCount() * w.HiddenSize, h = w.HiddenSize, i = w.InputSize, b = w.BatchSize;
        EngineProduct[] all =
        [
            new(named.Name, "inputs", Transpose.No, Transpose.Yes, n, gh, i, true),      // (T·B, GH) += X · Wihᵀ
            new(named.Name, "gates", Transpose.No, Transpose.Yes, b, gh, h, true),       // (B, GH) += h' · Whhᵀ, every step
            new(named.Name, "dh", Transpose.No, Transpose.No, b, h, gh, false),          // (B, H) = dG · Whh, every step
            new(named.Name, "dWih", Transpose.Yes, Transpose.No, gh, i, n, true),        // (GH, I) += dGᵀ · X
            new(named.Name, "dWhh", Transpose.Yes, Transpose.No, gh, h, n, true),        // (GH, H) += dGᵀ · h'
            new(named.Name, "head", Transpose.No, Transpose.Yes, b, 1, h, true),         // (B, 1) += h_T · W_headᵀ
        ];
        return all.Where(p => (long)p.M * p.N * p.K <= 20_000_000);
    }

    public override string ToString() =>
        $"{Workload} {Product} {(TransA == Transpose.No ? 'N' : 'T')}{(TransB == Transpose.No ? 'N' : 'T')} {M}x{N}x{K}{(Accumulate ? " +=" : "")}";
}

/// <summary>
/// The engine's per-step products for every workload: the plain triple loop (<see cref="GemmReference"/>) is the
/// baseline, <see cref="Gemm.Multiply{T}"/> (whichever path it picks, on the default threads) the candidate.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(WideParametersConfig))]
public class EngineGemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];
    private int _lda, _ldb;

    public static IEnumerable<EngineProduct> Products => NamedWorkload.All.SelectMany(EngineProduct.Of);

    [ParamsSource(nameof(Products))]
    public EngineProduct Product { get; set; } = Products.First();

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        EngineProduct p = Product;
        _a = Fill(random, p.M * p.K);
        _b = Fill(random, p.K * p.N);
        _c = Fill(random, p.M * p.N);
        _lda = p.TransA == Transpose.No ? p.K : p.M;
        _ldb = p.TransB == Transpose.No ? p.N : p.K;
    }

    [Benchmark(Baseline = true)]
    public void Reference() =>
        GemmReference.Multiply<float>(Product.TransA, Product.TransB, Product.M, Product.N, Product.K, _a, _lda, _b, _ldb, _c, Product.N, Product.Accumulate);

    [Benchmark]
    public void Multiply() =>
        Gemm.Multiply<float>(Product.TransA, Product.TransB, Product.M, Product.N, Product.K, _a, _lda, _b, _ldb, _c, Product.N, Product.Accumulate);

    private static float[] Fill(Random random, int length)
    {
        var data = new float[length];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)(random.NextDouble() * 2 - 1);
        return data;
    }
}
