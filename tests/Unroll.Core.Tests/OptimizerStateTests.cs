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
