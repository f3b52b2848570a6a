using Unroll.Core.Analysis;
using Unroll.Core.Tests.Reference;

namespace Unroll.Core.Tests;

/// <summary>The unrolled trace: the worked example's numbers, agreement with the reference, and internal consistency.</summary>
public class AnalysisTraceTests
{
    public static IEnumerable<object[]> Cells() => Enum.GetValues<CellKind>().Select(c => new object[] { c });

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    [Fact]
    public void Record_StatQuestOnZeroThenHalf_GivesTheWorkedNumbers()
    {
        var trace = UnrolledTrace.Record(Examples.StatQuest<double>(), [[0.0], [0.5]]);

        Assert.Equal(2, trace.Length);
        var (first, second) = (trace.Layers[0][0], trace.Layers[0][1]);
        Assert.Equal([0.0], first.PreviousHidden);
        Assert.Equal(0, first.PreActivation[0]);
        Assert.Equal(0, first.Hidden[0]);
        Assert.Equal(0, trace.Outputs[0][0]);
        Assert.Equal(0, second.PreviousHidden[0]);
        Assert.Equal(0.5 * 1.8, second.PreActivation[0]);           // 0.5 × 1.8 + 0 × −0.5 + 0 = 0.9
        Assert.Equal(0.5 * 1.8, second.Hidden[0]);                  // max(0, 0.9) = 0.9
        Assert.Equal(0.99, trace.Prediction[0], 1e-15);             // 0.9 × 1.1 + 0 = 0.99
        Assert.Equal(second.PreActivation[0], second.InputTerm[0] + second.HiddenTerm[0]);
    }

    [Fact]
    public void Record_StatQuestHighThenMedium_TheNegativeRecurrentWeightSwitchesTheReluOff()
    {
        // (high, medium): 1 × 1.8 = 1.8, then 0.5 × 1.8 + 1.8 × −0.5 = 0 → max(0, 0) = 0, the prediction low.
        var trace = UnrolledTrace.Record(Examples.StatQuest<double>(), [[1.0], [0.5]]);
        Assert.Equal(1.8, trace.Layers[0][0].Hidden[0]);
        Assert.Equal(1.8, trace.Layers[0][1].PreviousHidden[0]);
        Assert.Equal(0, trace.Layers[0][1].PreActivation[0], 1e-15);
        Assert.Equal(0, trace.Prediction[0], 1e-15);
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Record_EveryStepsOutput_MatchesTheReferenceOnThePrefix(CellKind cell)
    {
        var shape = new NetworkShape(cell, InputSize: 2, HiddenSize: 3, Layers: 2, OutputSize: 2);
        var network = GradientCheckTests.RandomNonSymmetric(shape, seed: 40 + (int)cell);
        var sequence = TestData.Sequences<double>(5, 2, 6)[0];

        var trace = UnrolledTrace.Record(network, sequence);

        Assert.Equal(6, trace.Length);
        for (int t = 0; t < 6; t++)
        {
            var expected = ReferenceNetwork.Predict(shape, name => network[name].Value, sequence.Take(t + 1).ToList());
            for (int k = 0; k < 2; k++) TestData.Close(expected[k], trace.Outputs[t][k], 1e-12, 1e-14, $"output {k} after step {t}");
        }
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Record_GatesStatesAndSums_AreConsistentWithTheCellsEquations(CellKind cell)
    {
        const int h = 3;
        var shape = new NetworkShape(cell, InputSize: 2, HiddenSize: h, Layers: 2);
        var network = GradientCheckTests.RandomNonSymmetric(shape, seed: 60 + (int)cell);
        var trace = UnrolledTrace.Record(network, TestData.Sequences<double>(6, 2, 5)[0]);

        for (int l = 0; l < 2; l++)
            for (int t = 0; t < 5; t++)
            {
                var s = trace.Layers[l][t];
                string at = $"layer {l}, step {t}";
                Assert.Equal(t == 0 ? new double[h] : trace.Layers[l][t - 1].Hidden, s.PreviousHidden);
                Assert.Equal(l == 0 ? s.Input.Length : h, s.Input.Length);
                if (l > 0) Assert.Equal(trace.Layers[l - 1][t].Hidden, s.Input);
                for (int u = 0; u < h; u++)
                    switch (cell)
                    {
                        case CellKind.RnnRelu:
                            TestData.Close(s.InputTerm[u] + s.HiddenTerm[u], s.PreActivation[u], 1e-14, 1e-15, at);
                            Assert.Equal(Math.Max(0, s.PreActivation[u]), s.Hidden[u]);
                            break;
                        case CellKind.RnnTanh:
                            TestData.Close(s.InputTerm[u] + s.HiddenTerm[u], s.PreActivation[u], 1e-14, 1e-15, at);
                            TestData.Close(Math.Tanh(s.PreActivation[u]), s.Hidden[u], 1e-14, 1e-15, at);
                            break;
                        case CellKind.Lstm:
                            double i = s.Gates[u], f = s.Gates[h + u], g = s.Gates[2 * h + u], o = s.Gates[3 * h + u];
                            TestData.Close(Sigmoid(s.PreActivation[u]), i, 1e-14, 1e-15, $"{at}: i");
                            TestData.Close(Sigmoid(s.PreActivation[h + u]), f, 1e-14, 1e-15, $"{at}: f");
                            TestData.Close(Math.Tanh(s.PreActivation[2 * h + u]), g, 1e-14, 1e-15, $"{at}: g");
                            TestData.Close(Sigmoid(s.PreActivation[3 * h + u]), o, 1e-14, 1e-15, $"{at}: o");
                            Assert.Equal(t == 0 ? 0 : trace.Layers[l][t - 1].Cell![u], s.PreviousCell![u]);
                            TestData.Close(f * s.PreviousCell[u] + i * g, s.Cell![u], 1e-14, 1e-15, $"{at}: c");
                            TestData.Close(o * Math.Tanh(s.Cell[u]), s.Hidden[u], 1e-14, 1e-15, $"{at}: h");
                            break;
                        case CellKind.Gru:
                            double r = s.Gates[u], z = s.Gates[h + u], n = s.Gates[2 * h + u];
                            TestData.Close(Sigmoid(s.PreActivation[u]), r, 1e-14, 1e-15, $"{at}: r");
                            TestData.Close(Sigmoid(s.PreActivation[h + u]), z, 1e-14, 1e-15, $"{at}: z");
                            TestData.Close(s.InputTerm[2 * h + u] + r * s.HiddenTerm[2 * h + u], s.PreActivation[2 * h + u], 1e-14, 1e-15, $"{at}: n sum");
                            TestData.Close(Math.Tanh(s.PreActivation[2 * h + u]), n, 1e-14, 1e-15, $"{at}: n");
                            TestData.Close((1 - z) * n + z * s.PreviousHidden[u], s.Hidden[u], 1e-14, 1e-15, $"{at}: h");
                            Assert.Null(s.Cell);
                            break;
                    }
            }
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void ForwardPass_PerSequenceAccessors_OnARaggedBatchEqualEachSequenceRunAlone(CellKind cell)
    {
        var shape = new NetworkShape(cell, 2, 4, 2);
        var network = RecurrentNetwork<double>.Create(shape, seed: 9);
        var sequences = TestData.Sequences<double>(3, 2, 3, 7, 1, 5);
        var together = network.Forward(network.Pack(sequences));

        Assert.Equal(2, together.Layers);
        for (int s = 0; s < sequences.Count; s++)
        {
            var alone = network.Forward(network.Pack([sequences[s]]));
            // Batched products may round differently from a batch of one, so equal to 1e-12 rather than bit for bit.
            static void Same(double[] expected, double[] actual, string what)
            {
                Assert.Equal(expected.Length, actual.Length);
                for (int i = 0; i < expected.Length; i++) TestData.Close(expected[i], actual[i], 1e-12, 1e-14, $"{what}[{i}]");
            }
            for (int l = 0; l < 2; l++)
            {
                Same(alone.GatesOf(l, 0), together.GatesOf(l, s), $"gates of sequence {s}, layer {l}");
                Same(alone.HiddenOf(l, 0), together.HiddenOf(l, s), $"h of sequence {s}, layer {l}");
                Assert.Equal(sequences[s].Count * shape.GateRows, together.GatesOf(l, s).Length);
                Assert.Equal(new double[4], together.InitialHiddenOf(l, s));
                if (cell == CellKind.Lstm) Same(alone.CellOf(l, 0), together.CellOf(l, s), $"c of sequence {s}, layer {l}");
                if (cell == CellKind.Gru) Same(alone.HiddenTermOf(l, 0), together.HiddenTermOf(l, s), $"hn of sequence {s}, layer {l}");
            }
        }
    }

    [Fact]
    public void ForwardPass_InitialStateAccessors_ReturnTheStateEachSequenceStartedFrom()
    {
        var shape = new NetworkShape(CellKind.Lstm, 1, 2);
        var network = RecurrentNetwork<double>.Create(shape, seed: 1);
        var sequences = TestData.Sequences<double>(2, 1, 2, 4);                  // sorted order differs from input order
        var state = new RecurrentState<double>([[1, 2, 3, 4]], [[5, 6, 7, 8]]);
        var pass = network.Forward(network.Pack(sequences), state);
        Assert.Equal([1.0, 2], pass.InitialHiddenOf(0, 0));
        Assert.Equal([3.0, 4], pass.InitialHiddenOf(0, 1));
        Assert.Equal([7.0, 8], pass.InitialCellOf(0, 1));
    }

    [Fact]
    public void ForwardPass_AccessorsOutOfRangeOrForAnotherCell_ThrowClearly()
    {
        var network = RecurrentNetwork<double>.Create(new NetworkShape(CellKind.Gru, 1, 2), seed: 1);
        var pass = network.Forward(network.Pack(TestData.Sequences<double>(1, 1, 3)));
        Assert.Contains("LSTM", Assert.Throws<InvalidOperationException>(() => pass.CellOf(0, 0)).Message);
        Assert.Contains("layers 0 to 0", Assert.Throws<ArgumentOutOfRangeException>(() => pass.HiddenOf(1, 0)).Message);
        Assert.Contains("sequences 0 to 0", Assert.Throws<ArgumentOutOfRangeException>(() => pass.GatesOf(0, 1)).Message);
    }

    [Fact]
    public void GateNames_FollowTheStoredOrder()
    {
        Assert.Equal(["i", "f", "g", "o"], UnrolledTrace.GateNames(CellKind.Lstm));
        Assert.Equal(["r", "z", "n"], UnrolledTrace.GateNames(CellKind.Gru));
        Assert.Equal(["a"], UnrolledTrace.GateNames(CellKind.RnnTanh));
    }
}
