namespace Unroll.Core.Tests;

/// <summary>Ragged batches, streaming, truncation, long sequences and determinism.</summary>
public class SequenceTests
{
    public static IEnumerable<object[]> Cells() => Enum.GetValues<CellKind>().Select(c => new object[] { c });

    [Theory]
    [MemberData(nameof(Cells))]
    public void Forward_RaggedBatch_EqualsEachSequenceAlone(CellKind cell)
    {
        var network = RecurrentNetwork<double>.Create(new NetworkShape(cell, 3, 6, 2, 2), seed: 3);
        var sequences = TestData.Sequences<double>(1, 3, 9, 5, 1, 9, 14);
        var together = network.Predict(sequences);
        // Equal to rounding: the matrix kernels pick their blocking by shape, so a batch of 1 and a batch of 5 may
        // sum a dot product in a different order (as PyTorch's BLAS does); each is deterministic on its own.
        for (int s = 0; s < sequences.Count; s++)
        {
            var alone = network.Predict([sequences[s]])[0];
            for (int o = 0; o < alone.Length; o++) TestData.Close(alone[o], together[s][o], 1e-13, 1e-15, $"sequence {s} output {o}");
        }
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Forward_StreamedStepByStep_EqualsRunningWhole(CellKind cell)
    {
        var network = RecurrentNetwork<double>.Create(new NetworkShape(cell, 2, 5, 2, 1), seed: 4);
        var sequences = TestData.Sequences<double>(2, 2, 7, 7);
        var whole = network.Forward(network.Pack(sequences));
        RecurrentState<double>? state = null;
        ForwardPass<double>? last = null;
        for (int t = 0; t < 7; t++)
        {
            var step = sequences.Select(s => (IReadOnlyList<double[]>)new[] { s[t] }).ToList();
            last = network.Forward(network.Pack(step), state);
            state = last.FinalState;
        }
        // Equal to rounding, as for ragged batches: the kernels' summation order follows the product's shape.
        for (int i = 0; i < whole.Outputs.Length; i++) TestData.Close(whole.Outputs[i], last!.Outputs[i], 1e-13, 1e-15, $"output {i}");
        for (int l = 0; l < 2; l++)
            for (int i = 0; i < whole.FinalState.Hidden[l].Length; i++)
                TestData.Close(whole.FinalState.Hidden[l].Span[i], state!.Hidden[l].Span[i], 1e-13, 1e-15, $"h layer {l} [{i}]");
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Backward_Truncated_EqualsFullGradientOfTheLastStepsFromADetachedState(CellKind cell)
    {
        const int window = 4;
        var shape = new NetworkShape(cell, 2, 3, 2, 1);
        var network = RecurrentNetwork<double>.Create(shape, seed: 8);
        var sequences = TestData.Sequences<double>(9, 2, 10, 10, 10);
        double[] targets = [0.3, -0.2, 0.5];

        network.ZeroGradients();
        var pass = network.Forward(network.Pack(sequences));
        network.Backward(pass, TestData.SumSquared(pass.Outputs, targets).Gradient, new BackwardOptions { TruncateSteps = window });
        var truncated = network.Parameters.Select(p => p.Gradient.ToArray()).ToList();

        var head = network.Forward(network.Pack(sequences.Select(s => (IReadOnlyList<double[]>)s.Take(10 - window).ToList()).ToList()));
        network.ZeroGradients();
        var tail = network.Forward(network.Pack(sequences.Select(s => (IReadOnlyList<double[]>)s.Skip(10 - window).ToList()).ToList()), head.FinalState);
        network.Backward(tail, TestData.SumSquared(tail.Outputs, targets).Gradient);
        for (int k = 0; k < truncated.Count; k++)
            for (int i = 0; i < truncated[k].Length; i++)
                TestData.Close(network.Parameters[k].Gradient[i], truncated[k][i], 1e-12, 1e-14, $"{network.Parameters[k].Name}[{i}]");
    }

    [Fact]
    public void Backward_TruncationLongerThanTheSequences_EqualsFullBptt()
    {
        var network = RecurrentNetwork<double>.Create(new NetworkShape(CellKind.Lstm, 1, 4), seed: 5);
        var batch = network.Pack(TestData.Sequences<double>(3, 1, 6, 2, 9));
        var pass = network.Forward(batch);
        var dOut = new double[] { 1, -1, 0.5 };
        network.ZeroGradients();
        network.Backward(pass, dOut);
        var full = network.Parameters.Select(p => p.Gradient.ToArray()).ToList();
        network.ZeroGradients();
        network.Backward(pass, dOut, new BackwardOptions { TruncateSteps = 9 });
        for (int k = 0; k < full.Count; k++) Assert.Equal(full[k], network.Parameters[k].Gradient);
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Forward_TenThousandSteps_StaysFiniteAndMatchesStreaming(CellKind cell)
    {
        var network = RecurrentNetwork<float>.Create(new NetworkShape(cell, 1, 8), seed: 6);
        var sequences = TestData.Sequences<float>(4, 1, 10_000, 3);
        var pass = network.Forward(network.Pack(sequences));
        Assert.All(pass.Outputs.ToArray(), v => Assert.True(float.IsFinite(v)));
        network.ZeroGradients();
        network.Backward(pass, [1f, 1f]);
        Assert.All(network.Parameters.SelectMany(p => p.Gradient), v => Assert.True(float.IsFinite(v)));
        var half = network.Forward(network.Pack([sequences[0].Take(5_000).ToList()]));
        var rest = network.Forward(network.Pack([sequences[0].Skip(5_000).ToList()]), half.FinalState);
        Assert.Equal(pass.Outputs[0], rest.Outputs[0], 1e-5f);
    }

    [Fact]
    public void Create_SameSeed_GivesTheSameBits()
    {
        var shape = new NetworkShape(CellKind.Gru, 3, 16, 2, 2);
        var a = RecurrentNetwork<float>.Create(shape, 42);
        var b = RecurrentNetwork<float>.Create(shape, 42);
        var c = RecurrentNetwork<float>.Create(shape, 43);
        for (int k = 0; k < a.Parameters.Count; k++) Assert.Equal(a.Parameters[k].Value, b.Parameters[k].Value);
        Assert.NotEqual(a.Parameters[0].Value, c.Parameters[0].Value);
    }

    [Fact]
    public void Pack_WrongFeatureCount_NamesTheSequenceAndStep()
    {
        var network = RecurrentNetwork<float>.Create(new NetworkShape(CellKind.Lstm, 2, 3), 1);
        var error = Assert.Throws<ArgumentException>(() => network.Predict([[[1f, 2f], [3f]]]));
        Assert.Contains("sequence 0, step 1 has 1 feature, the model expects 2", error.Message);
    }

    [Fact]
    public void Pack_EmptySequence_IsRejected()
    {
        var network = RecurrentNetwork<float>.Create(new NetworkShape(CellKind.Lstm, 1, 3), 1);
        var error = Assert.Throws<ArgumentException>(() => network.Predict([[[1f]], []]));
        Assert.Contains("sequence 1 has no steps", error.Message);
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Predict_SingleFeatureValues_EqualsTheSameStepsAsOneFeatureVectors(CellKind cell)
    {
        var network = RecurrentNetwork<float>.Create(new NetworkShape(cell, 1, 5, 2, 3), seed: 8);
        var steps = TestData.Sequences<float>(2, 1, 9, 1, 4, 17);

        var fromValues = network.Predict(steps.Select(s => s.Select(step => step[0]).ToArray()).ToList());

        Assert.Equal(network.Predict(steps), fromValues);
        Assert.Equal(4, fromValues.Length);
        Assert.All(fromValues, o => Assert.Equal(3, o.Length));
        // A collection expression of values per sequence picks this overload.
        Assert.Equal(network.Predict([[[0.1f], [0.2f], [0.3f]], [[0.5f], [0.4f]]]), network.Predict([[0.1f, 0.2f, 0.3f], [0.5f, 0.4f]]));
    }

    [Fact]
    public void Predict_SingleFeatureValues_OnAMultiFeatureNetwork_SaysHowToGiveSteps()
    {
        var network = RecurrentNetwork<float>.Create(new NetworkShape(CellKind.Gru, 2, 3), 1);
        var error = Assert.Throws<ArgumentException>(() => network.Predict([[1f, 2f]]));
        Assert.Contains("the network expects 2 features per step", error.Message);
        var empty = Assert.Throws<ArgumentException>(() => RecurrentNetwork<float>.Create(new NetworkShape(CellKind.Gru, 1, 3), 1).Predict([[1f], []]));
        Assert.Contains("sequence 1 has no steps", empty.Message);
    }

    /// <summary>
    /// The head reads the top layer's final h, which FinalState shows: FinalState is read-only, so no caller can reset it
    /// behind the backward pass (it could, and a copy guarded against it, when it was a T[][]). What a caller can do,
    /// copy it out and change the copy, or continue the stream from it, leaves the gradients as they were.
    /// </summary>
    [Fact]
    public void Backward_AfterTheCallerUsesFinalState_StillUsesTheForwardValues()
    {
        var network = RecurrentNetwork<double>.Create(new NetworkShape(CellKind.Lstm, 1, 3), 2);
        var sequences = TestData.Sequences<double>(1, 1, 4, 2);
        var pass = network.Forward(network.Pack(sequences));
        network.ZeroGradients();
        network.Backward(pass, [1.0, -1.0]);
        var expected = network["head.weight"].Gradient.ToArray();
        Assert.True(((ICollection<ReadOnlyMemory<double>>)pass.FinalState.Hidden).IsReadOnly);
        Assert.True(((ICollection<ReadOnlyMemory<double>>)pass.FinalState.Cell!).IsReadOnly);
        var copy = pass.FinalState.Hidden[0].ToArray();
        Array.Clear(copy);
        Assert.NotEqual(copy, pass.FinalState.Hidden[0].ToArray());
        network.Forward(network.Pack(sequences), pass.FinalState);
        network.ZeroGradients();
        network.Backward(pass, [1.0, -1.0]);
        Assert.Equal(expected, network["head.weight"].Gradient);
    }

    [Fact]
    public void State_CreatedFromArrays_KeepsItsOwnCopy()
    {
        double[] h = [1, 2, 3], c = [4, 5, 6];
        var state = new RecurrentState<double>([h], [c]);
        h[0] = 100;
        c[0] = 100;
        Assert.Equal([1.0, 2, 3], state.Hidden[0].ToArray());
        Assert.Equal([4.0, 5, 6], state.Cell![0].ToArray());
        var shape = new NetworkShape(CellKind.Lstm, 1, 3);
        var p = new Parameter<double>("w", 2, 3);
        Assert.Equal([2, 3], p.Shape);
        Assert.True(((ICollection<int>)p.Shape).IsReadOnly);
        Assert.Equal(shape.HiddenSize, RecurrentState<double>.Zeros(shape, 1).Hidden[0].Length);
    }

    [Fact]
    public void Batch_GatherAndScatter_InverseThePacking()
    {
        var sequences = TestData.Sequences<double>(12, 3, 4, 1, 6, 6, 2);
        var batch = SequenceBatch<double>.Create(sequences, 3);
        Assert.Equal([4, 1, 6, 6, 2], batch.Lengths.ToArray());
        Assert.Equal([2, 3, 0, 4, 1], batch.SortedToInput.ToArray());   // longest first, stable
        for (int i = 0; i < sequences.Count; i++)
        {
            Assert.Equal(sequences[i].SelectMany(x => x).ToArray(), batch.StepsOf(batch.Packed, 3, i));
            Assert.Equal(batch.SortedToInput[batch.InputToSorted[i]], i);
        }
        var last = batch.GatherLast(batch.Packed, 3);
        Assert.Equal(sequences.SelectMany(s => s[^1]).ToArray(), last);
        var sorted = batch.ToSorted(last, 3);
        for (int j = 0; j < batch.Count; j++)
            Assert.Equal(sequences[batch.SortedToInput[j]][^1], sorted.AsSpan(j * 3, 3).ToArray());
        var reused = new double[15];
        Assert.Same(reused, batch.ToSorted(null, 3, reused));
        Assert.All(reused, v => Assert.Equal(0, v));
        Assert.NotSame(reused, batch.ToSorted(null, 2, reused));   // a reuse of the wrong size is not written
    }

    [Fact]
    public void Shape_TooLargeForAnArray_IsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => new NetworkShape(CellKind.Lstm, 1, 100_000).Validate());
        Assert.Contains("smaller hidden size", e.Message);
    }
}
