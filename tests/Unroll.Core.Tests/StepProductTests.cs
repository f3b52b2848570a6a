using Unroll.Core.Layers;
using Unroll.Core.Tests.Reference;
using Unroll.Numerics;

namespace Unroll.Core.Tests;

/// <summary>
/// The two per-step product paths chosen from the batch's shape: a batch of at least 32 sequences with the joint
/// [x | h' | 1] product in the forward, in shares of sequences (one per thread when the work pays for more than one),
/// and a single sequence as a row times the packed weights. Each against the plain reference, and shares bit for bit on one thread and on several. Alone in its
/// collection: it sets the process-wide thread count and checks that the helper thread really ran.
/// </summary>
[CollectionDefinition(nameof(StepProductTests), DisableParallelization = true)]
public class StepProductCollection;

[Collection(nameof(StepProductTests))]
public class StepProductTests
{
    /// <summary>Hidden sizes that make each cell's layer big enough to run in shares (with a tail for GRU: 72).</summary>
    public static IEnumerable<object[]> SharedShapes() =>
    [
        [CellKind.Lstm, 64], [CellKind.Gru, 72], [CellKind.RnnTanh, 128], [CellKind.RnnRelu, 128],
    ];

    /// <summary>40 sequences of 30 steps and 8 of 12: every step has 40 running, and the second share holds the short ones.</summary>
    private static List<IReadOnlyList<T[]>> SharedSequences<T>(int inputs) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        => TestData.Sequences<T>(21, inputs, [.. Enumerable.Repeat(30, 20), .. Enumerable.Repeat(12, 8), .. Enumerable.Repeat(30, 20)]);

    [Theory]
    [MemberData(nameof(SharedShapes))]
    public void Shares_TheShapeRunsInShares_AndOneSequenceAsARow(CellKind cell, int hidden)
    {
        var shape = new NetworkShape(cell, 3, hidden, 2, 2);
        var batch = RecurrentNetwork<float>.Create(shape, seed: 1).Pack(SharedSequences<float>(3));
        Assert.Equal(RecurrentLayer<float>.StepProducts.Shares, RecurrentLayer<float>.ChooseProducts(batch));
        var one = RecurrentNetwork<float>.Create(shape, seed: 1).Pack(SharedSequences<float>(3).Take(1).ToList());
        Assert.Equal(RecurrentLayer<float>.StepProducts.SingleRow, RecurrentLayer<float>.ChooseProducts(one));
        var five = RecurrentNetwork<float>.Create(shape, seed: 1).Pack(SharedSequences<float>(3).Take(5).ToList());
        Assert.Equal(RecurrentLayer<float>.StepProducts.Plain, RecurrentLayer<float>.ChooseProducts(five));
    }

    /// <summary>A small layer with enough sequences takes the joint products as one share, on the calling thread alone.</summary>
    [Fact]
    public void Shares_LittleWork_OneShareOnThisThread()
    {
        var shape = new NetworkShape(CellKind.Lstm, 3, 7, 2, 2);
        var sequences = SharedSequences<float>(3);
        var batch = RecurrentNetwork<float>.Create(shape, seed: 1).Pack(sequences);
        Assert.Equal(RecurrentLayer<float>.StepProducts.Shares, RecurrentLayer<float>.ChooseProducts(batch));
        long jobs = SpinningWorker.Jobs;
        var run2 = Run(shape, sequences, threads: 2, truncate: null);
        Assert.Equal(jobs, SpinningWorker.Jobs);
        var run1 = Run(shape, sequences, threads: 1, truncate: null);
        AssertSameBits(run1, run2);
    }

    /// <summary>
    /// Between the two grains (W1's shape: 8.4 million multiply-adds) Infer runs in two shares while a training
    /// step's forward and backward stay on one thread; Infer's outputs are still Forward's bits. Below the inference
    /// grain (32 sequences, 4.2 million) Infer stays on one thread too.
    /// </summary>
    [Fact]
    public void Infer_SplitsAtAFinerGrainThanTraining_WithTheSameBits()
    {
        var shape = new NetworkShape(CellKind.Lstm, 1, 32, 1, 1);
        var network = RecurrentNetwork<double>.Create(shape, seed: 4).Convert<float>();
        var batch = network.Pack(TestData.Sequences<float>(9, 1, [.. Enumerable.Repeat(30, 64)]));
        long work = (long)batch.TotalSteps * shape.GateRows * (1 + 32 + 1);
        Assert.InRange(work, 2 * RecurrentLayer<float>.InferenceShareGrain, 2 * RecurrentLayer<float>.ShareGrain - 1);
        int saved = Gemm.MaxThreads;
        Gemm.MaxThreads = 2;
        try
        {
            long jobs = SpinningWorker.Jobs;
            var pass = network.Forward(batch);
            network.Backward(pass, new float[batch.Count]);
            Assert.Equal(jobs, SpinningWorker.Jobs);
            var inferred = network.Infer(batch);
            if (Environment.ProcessorCount >= 2)
                Assert.Equal(jobs + 1, SpinningWorker.Jobs);
            Assert.Equal(pass.Outputs.ToArray(), inferred);

            var fewer = network.Pack(TestData.Sequences<float>(9, 1, [.. Enumerable.Repeat(30, 32)]));
            jobs = SpinningWorker.Jobs;
            network.Infer(fewer);
            Assert.Equal(jobs, SpinningWorker.Jobs);
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    /// <summary>Many inputs and few units: the input half is the layer's work, and it is worth two shares.</summary>
    [Fact]
    public void Shares_WideInputFewUnits_TheInputsCountInTheWork()
    {
        var shape = new NetworkShape(CellKind.Lstm, 1024, 16, 1, 1);
        var sequences = TestData.Sequences<float>(23, 1024, [.. Enumerable.Repeat(50, 32)]);
        long jobs = SpinningWorker.Jobs;
        var run2 = Run(shape, sequences, threads: 2, truncate: null);
        if (Environment.ProcessorCount >= 2)
            Assert.True(SpinningWorker.Jobs >= jobs + 2, "the forward and the backward ran on two threads");
        var run1 = Run(shape, sequences, threads: 1, truncate: null);
        AssertSameBits(run1, run2);
    }

    [Theory]
    [MemberData(nameof(SharedShapes))]
    public void Shares_OneThreadOrSeveral_GiveTheSameBits(CellKind cell, int hidden)
    {
        var shape = new NetworkShape(cell, 3, hidden, 2, 2);
        var sequences = SharedSequences<float>(3);
        foreach (int? truncate in new int?[] { null, 5 })
        {
            var run1 = Run(shape, sequences, threads: 1, truncate);
            long jobs = SpinningWorker.Jobs;
            var run2 = Run(shape, sequences, threads: 2, truncate);
            if (Environment.ProcessorCount >= 2)
                Assert.True(SpinningWorker.Jobs >= jobs + 4, "each layer's forward and backward ran on two threads");
            AssertSameBits(run1, run2);
        }
    }

    /// <summary>
    /// Two shares split the steps where their measured speeds say (ShareBalance): with the first share's cost taken
    /// as half or twice the second's, the split moves from the middle to two thirds or a third of the steps, on a
    /// ragged batch, and every output and gradient keeps the bits of one thread.
    /// </summary>
    [Theory]
    [InlineData(0.5)]
    [InlineData(2.0)]
    public void Shares_SplitWhereTheSpeedsSay_KeepTheBitsOfOneThread(double ratio)
    {
        var shape = new NetworkShape(CellKind.Lstm, 3, 64, 2, 2);
        var sequences = SharedSequences<float>(3);
        var run1 = Run(shape, sequences, threads: 1, truncate: null);
        var splits = new List<int>();
        var run2 = Run(shape, sequences, threads: 2, truncate: null, network =>
        {
            for (int l = 0; l < shape.Layers; l++)
                network.Layer(l).ForwardBalance.Ratio = network.Layer(l).BackwardBalance.Ratio = ratio;
        }, network => splits.AddRange([network.Layer(0).ForwardBalance.LastSplit, network.Layer(0).BackwardBalance.LastSplit]));
        AssertSameBits(run1, run2);
        // 48 sequences, 1296 steps: a third of them ends in the 15th sequence, two thirds in the 29th; 8-row multiples
        int expected = ratio < 1 ? 32 : 16;
        Assert.Equal([expected, expected], splits);
    }

    [Fact]
    public void ShareBalance_MovesHalfwayToTheMeasuredRatio_WithinBounds()
    {
        var balance = new ShareBalance();
        Assert.Equal(0.5, balance.FirstShare);
        balance.Record(firstTicks: 400, firstSteps: 100, secondTicks: 200, secondSteps: 100);   // measured 2
        Assert.Equal(Math.Sqrt(2), balance.Ratio, 12);
        balance.Record(firstTicks: 300, firstSteps: 150, secondTicks: 100, secondSteps: 50);    // measured 1
        Assert.Equal(Math.Pow(2, 0.25), balance.Ratio, 12);
        for (int i = 0; i < 60; i++) balance.Record(firstTicks: 1000, firstSteps: 1, secondTicks: 1, secondSteps: 1);
        Assert.Equal(ShareBalance.MaxRatio, balance.Ratio, 9);                                  // clamped
        Assert.Equal(1 / 3.0, balance.FirstShare, 9);
        balance.Record(firstTicks: 0, firstSteps: 10, secondTicks: 5, secondSteps: 10);         // no time: no news
        balance.Record(firstTicks: 5, firstSteps: 10, secondTicks: 5, secondSteps: 0);          // no steps: no news
        Assert.Equal(ShareBalance.MaxRatio, balance.Ratio, 9);
    }

    /// <summary>Four shares (64 sequences, work for four), as on a machine with four cores, against one thread.</summary>
    [Fact]
    public void Shares_FourOfThem_GiveTheBitsOfOneThread()
    {
        var shape = new NetworkShape(CellKind.Lstm, 3, 64, 1, 2);
        var sequences = TestData.Sequences<float>(22, 3, [.. Enumerable.Repeat(32, 64)]);
        var run1 = Run(shape, sequences, threads: 1, truncate: null);
        var run4 = Run(shape, sequences, threads: 4, truncate: null);
        AssertSameBits(run1, run4);
    }

    /// <summary>
    /// Infer keeps no gates on its tape: in shares each thread writes a step's gates into its own buffer
    /// (ShareBuffers.Forward). Its outputs are Forward's, bit for bit, on one thread and two, for every cell, called again,
    /// then on a ragged batch (whose second share runs out of sequences before the last step); Forward still keeps
    /// every step's gates.
    /// </summary>
    [Theory]
    [MemberData(nameof(SharedShapes))]
    public void Infer_InShares_GivesForwardsBits_WithoutATapeOfGates(CellKind cell, int hidden)
    {
        var shape = new NetworkShape(cell, 3, hidden, 2, 2);
        var network = RecurrentNetwork<double>.Create(shape, seed: 5).Convert<float>();
        var large = network.Pack(SharedSequences<float>(3));
        var ragged = network.Pack(TestData.Sequences<float>(24, 3, [.. Enumerable.Repeat(20, 40), .. Enumerable.Repeat(7, 8), .. Enumerable.Repeat(13, 4)]));
        Assert.Equal(RecurrentLayer<float>.StepProducts.Shares, RecurrentLayer<float>.ChooseProducts(large));
        Assert.Equal(RecurrentLayer<float>.StepProducts.Shares, RecurrentLayer<float>.ChooseProducts(ragged));
        int saved = Gemm.MaxThreads;
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Gemm.MaxThreads = threads;
                foreach (var batch in new[] { large, large, ragged, large })
                {
                    var expected = network.Forward(batch).Outputs.ToArray();
                    long jobs = SpinningWorker.Jobs;
                    Assert.Equal(expected, network.Infer(batch));
                    if (threads == 2 && Environment.ProcessorCount >= 2)
                        Assert.True(SpinningWorker.Jobs > jobs, "the shares ran on two threads");
                }
            }
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
        Assert.True(network.Forward(large).Gates[0].Length >= large.TotalSteps * shape.GateRows, "Forward keeps every step's gates");
    }

    /// <summary>
    /// An LSTM whose tape of gates is larger than the cache (here: the threshold lowered to nothing) has its cell write
    /// the activated gates straight into the tape rather than copy them there from the step buffer: the tape, h, the
    /// outputs and Infer's outputs keep the bits of the copied tape, in float32 and float64, on one thread and two, on
    /// a batch whose second share runs out of sequences early; 70 units take the widest vectors and a narrower tail.
    /// The cell tape's room for the joint gradient's rows shows the threshold was crossed.
    /// </summary>
    [Fact]
    public void DirectTape_KeepsTheBitsOfTheCopiedTape()
    {
        DirectTapeMatchesCopy<float>();
        DirectTapeMatchesCopy<double>();
    }

    private static void DirectTapeMatchesCopy<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var shape = new NetworkShape(CellKind.Lstm, 3, 70, 2, 2);
        var network = RecurrentNetwork<double>.Create(shape, seed: 4).Convert<T>();
        var batch = network.Pack(SharedSequences<T>(3));
        Assert.Equal(RecurrentLayer<T>.StepProducts.Shares, RecurrentLayer<T>.ChooseProducts(batch));
        int saved = Gemm.MaxThreads;
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Gemm.MaxThreads = threads;
                for (int l = 0; l < shape.Layers; l++) network.Layer(l).JointGradientBytes = RecurrentLayer<T>.DefaultJointGradientBytes;
                var copied = network.Forward(batch);
                var (gates, hidden, outputs) = (copied.Gates.Select(g => g.ToArray()).ToList(), copied.Hidden.Select(h => h.ToArray()).ToList(), copied.Outputs.ToArray());
                for (int l = 0; l < shape.Layers; l++) network.Layer(l).JointGradientBytes = 0;
                var direct = network.Forward(batch);
                for (int l = 0; l < shape.Layers; l++)
                {
                    int rows = batch.TotalSteps;
                    Assert.Equal(rows * (shape.LayerInputSize(l) + shape.HiddenSize + 1), direct.Cell[l].Length);
                    Assert.Equal(gates[l].AsSpan(0, rows * shape.GateRows).ToArray(), direct.Gates[l].AsSpan(0, rows * shape.GateRows).ToArray());
                    Assert.Equal(hidden[l].AsSpan(0, rows * shape.HiddenSize).ToArray(), direct.Hidden[l].AsSpan(0, rows * shape.HiddenSize).ToArray());
                }
                Assert.Equal(outputs, direct.Outputs.ToArray());
                Assert.Equal(outputs, network.Infer(batch));
            }
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    /// <summary>
    /// A thread keeps its share buffers, 64-byte aligned, up to <see cref="ShareBuffers{T}.KeptBytes"/>: the same memory
    /// on the next call; a larger request gets an array of its own each time, which the thread does not keep.
    /// </summary>
    [Fact]
    public unsafe void ShareBuffers_KeepUpToTheCap_AndAlignTheirStart()
    {
        int kept = (int)(ShareBuffers<float>.KeptBytes / sizeof(float));
        var first = ShareBuffers<float>.Backward(1000);
        var again = ShareBuffers<float>.Backward(1000);
        Assert.True(System.Runtime.CompilerServices.Unsafe.AreSame(ref first[0], ref again[0]));
        fixed (float* p = first) Assert.Equal(0, (long)p % 64);
        var large = ShareBuffers<float>.Forward(kept + 1);
        var largeAgain = ShareBuffers<float>.Forward(kept + 1);
        Assert.Equal(kept + 1, large.Length);
        Assert.False(System.Runtime.CompilerServices.Unsafe.AreSame(ref large[0], ref largeAgain[0]));
        var small = ShareBuffers<float>.Forward(16);
        Assert.True(System.Runtime.CompilerServices.Unsafe.AreSame(ref small[0], ref ShareBuffers<float>.Forward(16)[0]));
    }

    /// <summary>Two runs' outputs, input gradients and every parameter's gradient agree bit for bit.</summary>
    private static void AssertSameBits(
        (float[] Outputs, Dictionary<string, float[]> Gradients, float[] InputGradient) expected,
        (float[] Outputs, Dictionary<string, float[]> Gradients, float[] InputGradient) actual)
    {
        Assert.Equal(expected.Outputs, actual.Outputs);
        Assert.Equal(expected.InputGradient, actual.InputGradient);
        foreach (var (name, values) in expected.Gradients) Assert.Equal(values, actual.Gradients[name]);
    }

    private static (float[] Outputs, Dictionary<string, float[]> Gradients, float[] InputGradient) Run(
        NetworkShape shape, List<IReadOnlyList<float[]>> sequences, int threads, int? truncate,
        Action<RecurrentNetwork<float>>? before = null, Action<RecurrentNetwork<float>>? after = null)
    {
        int saved = Gemm.MaxThreads;
        Gemm.MaxThreads = threads;
        try
        {
            var network = RecurrentNetwork<double>.Create(shape, seed: 3).Convert<float>();
            before?.Invoke(network);
            var pass = network.Forward(network.Pack(sequences));
            var outputs = pass.Outputs.ToArray();
            var dOut = Enumerable.Range(0, outputs.Length).Select(i => (float)Math.Cos(i + 0.5)).ToArray();
            network.ZeroGradients();
            var back = network.Backward(pass, dOut, new BackwardOptions { InputGradient = true, TruncateSteps = truncate });
            var dx = Enumerable.Range(0, sequences.Count).SelectMany(s => back.InputGradientOf(s).ToArray()).ToArray();
            after?.Invoke(network);
            return (outputs, network.Parameters.ToDictionary(p => p.Name, p => p.Gradient.ToArray()), dx);
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    public static IEnumerable<object[]> Batches()
    {
        foreach (var shape in SharedShapes())
        {
            yield return [shape[0], shape[1], 48];   // in shares
            yield return [shape[0], shape[1], 1];    // a single row
        }
        yield return [CellKind.Lstm, 19, 1];          // a row with a partial panel
        yield return [CellKind.Gru, 5, 1];
        foreach (var cell in new[] { CellKind.Lstm, CellKind.Gru, CellKind.RnnTanh, CellKind.RnnRelu })
            yield return [cell, 7, 48];              // the joint products in one share: too little work for two
    }

    /// <summary>
    /// A large LSTM's training backward computes dW_ih, dW_hh and both bias gradients as one product over the rows
    /// [x | h' | 1] gathered into its used-up cell tape (run as its transpose, then moved into the gradients 16 gate
    /// rows at a time on two threads). With the size rule lowered so that a small ragged batch takes that path (shares
    /// and a single row, two layers: the second's x is the first's h), every gradient matches the separate products'
    /// within rounding: float64 with 16 units (64 gate rows, two whole tiles a thread), 5 (20: a partial tile) and 3
    /// (12: all on the first thread), float32 with 13 (the 8 × 8 transposes and their scalar edges). The tape shows the
    /// gathered rows, so the path did run. At the default rule W1's shape keeps the separate products and a tape of c
    /// alone.
    /// </summary>
    [Theory]
    [InlineData(48, 16)]
    [InlineData(1, 16)]
    [InlineData(48, 5)]
    [InlineData(48, 3)]
    public void JointWeightGradient_MatchesTheSeparateProducts(int count, int hidden)
    {
        JointMatchesSeparate<double>(count, hidden, 1e-12, 1e-13);

        var w1 = RecurrentNetwork<float>.Create(new NetworkShape(CellKind.Lstm, 1, 32, 1, 1), seed: 1);
        var w1Batch = w1.Pack(TestData.Sequences<float>(4, 1, [.. Enumerable.Repeat(30, 64)]));
        Assert.Equal(w1Batch.TotalSteps * 32, w1.Forward(w1Batch).Cell[0].Length);
    }

    /// <summary>The joint weight gradient in float32: see <see cref="JointWeightGradient_MatchesTheSeparateProducts"/>.</summary>
    [Fact]
    public void JointWeightGradient_Float32_MatchesTheSeparateProducts() => JointMatchesSeparate<float>(48, 13, 2e-5, 2e-6);

    private static void JointMatchesSeparate<T>(int count, int hidden, double relative, double absolute)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var shape = new NetworkShape(CellKind.Lstm, 3, hidden, 2, 2);
        var network = RecurrentNetwork<T>.Create(shape, seed: 8);
        var batch = network.Pack(SharedSequences<T>(3).Take(count).ToList());
        var dOut = Enumerable.Range(0, count * 2).Select(i => T.CreateChecked(Math.Sin(0.7 * i + 0.2))).ToArray();
        network.ZeroGradients();
        var back = network.Backward(network.Forward(batch), dOut, new BackwardOptions { InputGradient = true });
        var separate = network.Parameters.ToDictionary(p => p.Name, p => p.Gradient.ToArray());
        var dxSeparate = back.InputGradientOf(0).ToArray();

        for (int l = 0; l < shape.Layers; l++) network.Layer(l).JointGradientBytes = 0;
        var pass = network.Forward(batch);
        int n = batch.TotalSteps, j0 = 3 + hidden + 1, j1 = hidden + hidden + 1;
        Assert.Equal(n * j0, pass.Cell[0].Length);
        Assert.Equal(n * j1, pass.Cell[1].Length);
        network.ZeroGradients();
        var backJoint = network.BackwardCore(pass, dOut, new BackwardOptions { InputGradient = true }, consumeTape: true);
        for (int row = 0; row < n; row++)
        {
            Assert.Equal(T.One, pass.Cell[0][row * j0 + j0 - 1]);
            Assert.Equal(T.One, pass.Cell[1][row * j1 + j1 - 1]);
        }
        foreach (var p in network.Parameters)
            for (int k = 0; k < p.Gradient.Length; k++)
                TestData.Close(double.CreateChecked(separate[p.Name][k]), double.CreateChecked(p.Gradient[k]), relative, absolute, $"{p.Name}[{k}]");
        var dxJoint = backJoint.InputGradientOf(0).ToArray();
        for (int k = 0; k < dxSeparate.Length; k++)
            TestData.Close(double.CreateChecked(dxSeparate[k]), double.CreateChecked(dxJoint[k]), relative, absolute, $"dx[{k}]");
    }

    /// <summary>Predictions and every gradient, float64 and float32, against the plain reference, sequence by sequence.</summary>
    [Theory]
    [MemberData(nameof(Batches))]
    public void Batch_MatchesTheReference(CellKind cell, int hidden, int count)
    {
        var shape = new NetworkShape(cell, 3, hidden, 2, 2);
        var network = RecurrentNetwork<double>.Create(shape, seed: 3);
        var single = network.Convert<float>();
        var sequences = SharedSequences<double>(3).Take(count).ToList();
        var outputs = network.Forward(network.Pack(sequences)).Outputs.ToArray();
        var singleOutputs = single.Forward(single.Pack(sequences.Select(s => (IReadOnlyList<float[]>)s.Select(x => x.Select(v => (float)v).ToArray()).ToList()).ToList())).Outputs.ToArray();
        for (int s = 0; s < sequences.Count; s++)
        {
            var prediction = ReferenceNetwork.Predict(shape, name => network[name].Value, sequences[s]);
            for (int o = 0; o < 2; o++)
            {
                TestData.Close(prediction[o], outputs[s * 2 + o], 1e-12, 1e-13, $"sequence {s} output {o} (float64)");
                TestData.Close(prediction[o], singleOutputs[s * 2 + o], 1e-4, 1e-5, $"sequence {s} output {o} (float32)");
            }
        }
        ReferenceTests.AssertBackwardMatchesReference(shape, network, sequences);
    }
}
