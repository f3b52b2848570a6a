using Unroll.Core.Training;

namespace Unroll.Core.Tests;

public class OptimizerStateTests
{
    private static (RecurrentNetwork<float> Network, SequenceBatch<float> Batch, float[] Targets) Problem()
    {
        var network = RecurrentNetwork<float>.Create(new NetworkShape(CellKind.Lstm, 2, 5, 2, 1), seed: 3);
        var batch = network.Pack(TestData.Sequences<float>(4, 2, 6, 3, 5));
        return (network, batch, [0.5f, -0.25f, 1f]);
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Momentum)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void SetState_IntoAFreshOptimizer_ContinuesBitForBit(OptimizerKind kind)
    {
        var (a, batch, targets) = Problem();
        var trainer = new Trainer<float>(a, Optimizer.Create<float>(kind));
        for (int i = 0; i < 3; i++) trainer.Step(batch, targets, 0.01);

        // A copy of the network and a new optimizer given the saved state: the next steps match exactly.
        var b = a.Clone();
        var optimizer = Optimizer.Create<float>(kind);
        var state = trainer.Optimizer.GetState(a.Parameters);
        optimizer.SetState(b.Parameters, state);
        var resumed = new Trainer<float>(b, optimizer);
        for (int i = 0; i < 4; i++)
        {
            trainer.Step(batch, targets, 0.01);
            resumed.Step(batch, targets, 0.01);
        }
        for (int k = 0; k < a.Parameters.Count; k++) Assert.Equal(a.Parameters[k].Value, b.Parameters[k].Value);
        Assert.Equal(kind is OptimizerKind.Sgd ? 0 : a.Parameters.Count * (kind == OptimizerKind.Momentum ? 1 : 2), state.Buffers.Count);
        Assert.Equal(3, state.Steps);
    }

    [Fact]
    public void SetState_BufferOfTheWrongLength_IsRefusedNamingIt()
    {
        var (a, _, _) = Problem();
        var state = new OptimizerState<float>(1, new Dictionary<string, float[]> { ["exp_avg.rnn.weight_hh_l0"] = new float[3], ["exp_avg_sq.rnn.weight_hh_l0"] = new float[3] });
        var e = Assert.Throws<ArgumentException>(() => Optimizer.Create<float>(OptimizerKind.Adam).SetState(a.Parameters, state));
        Assert.Contains("exp_avg.rnn.weight_hh_l0", e.Message);
    }

    [Fact]
    public void SetState_UnknownBuffer_IsRefused()
    {
        var (a, _, _) = Problem();
        var state = new OptimizerState<float>(1, new Dictionary<string, float[]> { ["momentum_buffer.head.nothing"] = new float[1] });
        Assert.Throws<ArgumentException>(() => Optimizer.Create<float>(OptimizerKind.Momentum).SetState(a.Parameters, state));
    }
}

public class NumericsProbeTests
{
    [Fact]
    public void FindFirst_AllFinite_ReturnsNull()
    {
        var network = RecurrentNetwork<double>.Create(new NetworkShape(CellKind.Gru, 1, 3, 2, 1), seed: 1);
        var batch = network.Pack(TestData.Sequences<double>(2, 1, 4, 2));
        Assert.Null(NumericsProbe.FindFirst(network, batch, [0.1, 0.2]));
    }

    [Fact]
    public void FindFirst_OverflowAtOneStep_NamesLayerStepSequenceAndTensor()
    {
        // Layer 0's input weight is huge; only sequence 1's third input is large enough to overflow float.
        var network = RecurrentNetwork<float>.Create(new NetworkShape(CellKind.RnnTanh, 1, 2, 2, 1), seed: 2);
        network["rnn.weight_ih_l0"].Value[1] = 1e20f;
        var sequences = new List<IReadOnlyList<float[]>>
        {
            new[] { new[] { 0.5f }, [0.5f], [0.5f], [0.5f] },
            new[] { new[] { 0.5f }, [0.5f], [1e20f], [0.5f], [0.5f] },
        };
        var found = NumericsProbe.FindFirst(network, network.Pack(sequences), [0f, 0f]);
        Assert.NotNull(found);
        Assert.Equal(("pre-activation a", 0, 3, 1), (found!.Tensor, found.Layer, found.Step, found.Sequence));
        Assert.True(float.IsInfinity((float)found.Value));
        Assert.Contains("layer 0, time step 3, sequence 1", found.ToString());
    }

    [Fact]
    public void FindFirst_NonFiniteWeight_NamesTheParameterFirst()
    {
        var network = RecurrentNetwork<float>.Create(new NetworkShape(CellKind.Lstm, 1, 2, 1, 1), seed: 2);
        network["head.bias"].Value[0] = float.NaN;
        var found = NumericsProbe.FindFirst(network, network.Pack(TestData.Sequences<float>(1, 1, 3)), [0f]);
        Assert.Equal("head.bias", found!.Tensor);
    }

    [Fact]
    public void FindFirst_NonFiniteTarget_NamesTheLoss()
    {
        var network = RecurrentNetwork<float>.Create(new NetworkShape(CellKind.Lstm, 1, 2, 1, 1), seed: 2);
        var found = NumericsProbe.FindFirst(network, network.Pack(TestData.Sequences<float>(1, 1, 3)), [float.PositiveInfinity]);
        Assert.Equal("loss", found!.Tensor);
    }
}
