using Unroll.Core.Training;

namespace Unroll.Core.Tests;

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
