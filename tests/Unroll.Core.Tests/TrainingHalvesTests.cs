using Unroll.Core.Training;
using Unroll.Numerics;

namespace Unroll.Core.Tests;

/// <summary>
/// A training step that splits its batch into two halves run as batches of their own (BatchHalves.TrainingSplit), and Infer's halves: which
/// shapes split and where, the step's loss and gradients against one batch's backward in float64, the same bits on
/// one thread and on two, and inputs rewritten between steps. In the collection that sets the process-wide thread count.
/// </summary>
[Collection(nameof(StepProductTests))]
public class TrainingHalvesTests
{
    /// <summary>W1's 1→32 LSTM, two small LSTM layers, W5's GRU, W6's tanh RNN and a ReLU one, and layers large enough
    /// for shares of their own within each half where more than two threads may run (1→128 LSTM), over ragged batches
    /// whose input order is not sorted.</summary>
    public static IEnumerable<object[]> Shapes() =>
    [
        [CellKind.Lstm, 32, 1], [CellKind.Lstm, 16, 2], [CellKind.Gru, 32, 1], [CellKind.RnnTanh, 64, 1], [CellKind.RnnRelu, 64, 1],
        [CellKind.Lstm, 128, 1],
    ];

    /// <summary>
    /// 104 lengths in an unsorted input order: 40 of 30 steps, 56 of 20 and 8 of 5 (2,360 steps). Half the steps are
    /// done after the 40 of 30 (1,200), so each half has at least 32 sequences at every step and runs in shares.
    /// </summary>
    private static int[] RaggedLengths()
    {
        var lengths = new int[104];
        for (int i = 0, k = 0; i < lengths.Length; i++)
            lengths[i] = i % 13 == 0 ? 5 : k++ % 12 < 5 ? 30 : 20;
        return lengths;
    }

    private static List<IReadOnlyList<T[]>> Ragged<T>(int seed, int inputs = 1) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        => TestData.Sequences<T>(seed, inputs, RaggedLengths());

    [Fact]
    public void TrainingSplit_ManySequencesAndEnoughWork_AtHalfTheSteps()
    {
        var w1 = new NetworkShape(CellKind.Lstm, 1, 32, 1, 1);
        var uniform = SequenceBatch<float>.FromFlat([.. Enumerable.Range(0, 64).Select(_ => new float[30])], 1);
        Assert.Equal(32, BatchHalves<float>.TrainingSplit(w1, uniform));
        // half the steps (1,180) are done after the 40 sequences of 30 (1,200), a multiple of 8
        var ragged = RecurrentNetwork<float>.Create(w1, seed: 1).Pack(Ragged<float>(2));
        Assert.Equal(40, BatchHalves<float>.TrainingSplit(w1, ragged));
        // too few sequences for 32 a side; too little work (64 sequences of 16 steps: 4.5 million multiply-adds); W2's
        // large layers split too
        var few = SequenceBatch<float>.FromFlat([.. Enumerable.Range(0, 48).Select(_ => new float[60])], 1);
        Assert.Equal(0, BatchHalves<float>.TrainingSplit(w1, few));
        var short16 = SequenceBatch<float>.FromFlat([.. Enumerable.Range(0, 64).Select(_ => new float[16])], 1);
        Assert.Equal(0, BatchHalves<float>.TrainingSplit(w1, short16));
        var w2 = new NetworkShape(CellKind.Lstm, 8, 128, 2, 1);
        var w2Batch = SequenceBatch<float>.FromFlat([.. Enumerable.Range(0, 64).Select(_ => new float[50 * 8])], 8);
        Assert.Equal(32, BatchHalves<float>.TrainingSplit(w2, w2Batch));
        // W3's weights (2048 × 577, 4.6 MiB) exceed a core's cache: its layer shares serve instead
        var w3 = new NetworkShape(CellKind.Lstm, 64, 512, 1, 1);
        var w3Batch = SequenceBatch<float>.FromFlat([.. Enumerable.Range(0, 128).Select(_ => new float[100 * 64])], 64);
        Assert.Equal(0, BatchHalves<float>.TrainingSplit(w3, w3Batch));
        Assert.Equal(0, InferenceSplitOnTwoThreads(w3, w3Batch));
    }

    private static int InferenceSplitOnTwoThreads(NetworkShape shape, SequenceBatch<float> batch)
    {
        int saved = Gemm.MaxThreads;
        Gemm.MaxThreads = 2;
        try { return BatchHalves<float>.InferenceSplit(shape, batch); }
        finally { Gemm.MaxThreads = saved; }
    }

    /// <summary>
    /// The step's loss and every gradient (read before the next step zeroes them; plain SGD at rate 0 leaves the
    /// weights) match one batch's forward and backward in float64, with and without truncated BPTT, at a trainer's
    /// second step.
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void Step_InHalves_MatchesOneBatchsGradients(CellKind cell, int hidden, int layers)
    {
        var shape = new NetworkShape(cell, 1, hidden, layers, 2);
        var network = RecurrentNetwork<double>.Create(shape, seed: 5);
        var batch = network.Pack(Ragged<double>(6));
        Assert.True(BatchHalves<double>.TrainingSplit(shape, batch) > 0, "the batch splits");
        var targets = Enumerable.Range(0, batch.Count * 2).Select(i => Math.Sin(0.3 * i)).ToArray();
        foreach (int? truncate in new int?[] { null, 6 })
        {
            // Two steps at rate 0: the second shows any gradient the first left in the second half's replica
            var trainer = new Trainer<double>(network, new Sgd<double>(momentum: 0), new TrainerOptions { TruncateSteps = truncate });
            trainer.Step(batch, targets, learningRate: 0);
            double loss = trainer.Step(batch, targets, learningRate: 0).Loss;

            var whole = network.Clone();
            var pass = whole.Forward(batch);
            var dOut = new double[targets.Length];
            double expectedLoss = Losses.Compute(LossKind.MeanSquared, pass.Outputs, targets, dOut);
            whole.ZeroGradients();
            whole.Backward(pass, dOut, new BackwardOptions { TruncateSteps = truncate });
            Assert.Equal(expectedLoss, loss, 14);
            for (int k = 0; k < whole.Parameters.Count; k++)
                for (int i = 0; i < whole.Parameters[k].Gradient.Length; i++)
                    TestData.Close(whole.Parameters[k].Gradient[i], network.Parameters[k].Gradient[i], 1e-11, 1e-14,
                        $"{whole.Parameters[k].Name}[{i}] (truncate {truncate})");
        }
    }

    /// <summary>Three Adam steps on two threads (the halves at once) and on one (one after the other) leave the same bits.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void Step_InHalves_OneThreadOrTwo_GiveTheSameBits(CellKind cell, int hidden, int layers)
    {
        var shape = new NetworkShape(cell, 1, hidden, layers, 1);
        var sequences = Ragged<float>(7);
        var targets = Enumerable.Range(0, sequences.Count).Select(i => (float)Math.Cos(i)).ToArray();
        float[][] Train(int threads)
        {
            int saved = Gemm.MaxThreads;
            Gemm.MaxThreads = threads;
            try
            {
                var network = RecurrentNetwork<double>.Create(shape, seed: 8).Convert<float>();
                var batch = network.Pack(sequences);
                var trainer = new Trainer<float>(network, new Adam<float>(weightDecay: 0));
                long jobs = SpinningWorker.Jobs;
                for (int s = 0; s < 3; s++) trainer.Step(batch, targets, 1e-2);
                if (threads == 2 && Environment.ProcessorCount >= 2)
                    Assert.True(SpinningWorker.Jobs >= jobs + 6, "each step's forward and backward ran on two threads");
                return [.. network.Parameters.Select(p => p.Value.ToArray())];
            }
            finally
            {
                Gemm.MaxThreads = saved;
            }
        }
        var one = Train(1);
        var two = Train(2);
        for (int k = 0; k < one.Length; k++) Assert.Equal(one[k], two[k]);
    }

    /// <summary>Inputs written between two steps on the same batch object reach both halves: the second step's loss is the new inputs' loss.</summary>
    [Fact]
    public void Step_InHalves_SeesInputsWrittenBetweenSteps()
    {
        var shape = new NetworkShape(CellKind.Lstm, 1, 32, 1, 1);
        var network = RecurrentNetwork<double>.Create(shape, seed: 9);
        var batch = network.Pack(Ragged<double>(10));
        var targets = new double[batch.Count];
        var trainer = new Trainer<double>(network, new Sgd<double>(momentum: 0));
        trainer.Step(batch, targets, 0.1);
        var packed = batch.PackedForTests;
        for (int i = 0; i < packed.Length; i++) packed[i] = 0.5 - packed[i];
        double expected = trainer.Evaluate(batch, targets);
        Assert.Equal(expected, trainer.Step(batch, targets, 0.1).Loss, 14);
        Assert.Throws<ArgumentNullException>(() => trainer.Step(null!, targets, 0.1));
    }

    /// <summary>
    /// A batch whose second half would end with fewer than 32 sequences running (so not in shares, unlike the whole)
    /// does not split: 80 sequences, 40 of 30 steps and 40 of 30 down to 1.
    /// </summary>
    [Fact]
    public void Split_HalvesThatWouldNotRunInShares_DoNotSplit()
    {
        var shape = new NetworkShape(CellKind.Lstm, 1, 32, 1, 1);
        var batch = SequenceBatch<float>.FromFlat([.. Enumerable.Range(0, 80).Select(i => new float[i < 40 ? 30 : 30 - (i - 40) * 29 / 39])], 1);
        Assert.Equal(0, BatchHalves<float>.TrainingSplit(shape, batch));
        Assert.Equal(0, InferenceSplitOnTwoThreads(shape, batch));
    }

    /// <summary>
    /// Infer splits a batch of at least 64 sequences into halves on two threads when it may use two (and not on one,
    /// nor for few sequences), and gives Forward's bits either way: W1's, W2's, W5's and W6's shapes over a ragged
    /// batch, and W1's over 40 of its sequences, too few to split.
    /// </summary>
    [Theory]
    [InlineData(CellKind.Lstm, 1, 32, 1, 104)]
    [InlineData(CellKind.Lstm, 8, 128, 2, 104)]
    [InlineData(CellKind.Gru, 1, 32, 1, 104)]
    [InlineData(CellKind.RnnTanh, 1, 64, 1, 104)]
    [InlineData(CellKind.Lstm, 1, 32, 1, 40)]
    public void Infer_InHalves_GivesForwardsBits(CellKind cell, int inputs, int hidden, int layers, int count)
    {
        var shape = new NetworkShape(cell, inputs, hidden, layers, 2);
        var network = RecurrentNetwork<double>.Create(shape, seed: 11).Convert<float>();
        var batch = network.Pack(Ragged<float>(12, inputs).Take(count).ToList());
        var expected = network.Forward(batch).Outputs.ToArray();
        int saved = Gemm.MaxThreads;
        try
        {
            foreach (int threads in new[] { 2, 1, 2 })
            {
                Gemm.MaxThreads = threads;
                int split = BatchHalves<float>.InferenceSplit(shape, batch);
                Assert.Equal(threads == 2 && count >= 64 ? 40 : 0, split);
                long jobs = SpinningWorker.Jobs;
                Assert.Equal(expected, network.Infer(batch));
                if (split > 0 && Environment.ProcessorCount >= 2)
                    Assert.Equal(jobs + 1, SpinningWorker.Jobs);
            }
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    /// <summary>
    /// Infer runs the head once over every sequence's last state, as Forward does: with 4 outputs and 16 units over 64
    /// sequences, the whole batch's head product (64 × 4 × 16) is packed where each half's (32 rows) would not be, and
    /// the two sum in different orders.
    /// </summary>
    [Fact]
    public void Infer_InHalves_RunsTheHeadOverEveryRow_WithForwardsBits()
    {
        var shape = new NetworkShape(CellKind.Lstm, 1, 16, 1, 4);
        var network = RecurrentNetwork<double>.Create(shape, seed: 13).Convert<float>();
        var batch = network.Pack(TestData.Sequences<float>(14, 1, [.. Enumerable.Repeat(72, 64)]));
        Assert.Equal(32, InferenceSplitOnTwoThreads(shape, batch));
        var expected = network.Forward(batch).Outputs.ToArray();
        int saved = Gemm.MaxThreads;
        Gemm.MaxThreads = 2;
        try { Assert.Equal(expected, network.Infer(batch)); }
        finally { Gemm.MaxThreads = saved; }
    }
}
