namespace Unroll.Core.Tests;

public class StatQuestExampleTests
{
    [Fact]
    public void Predict_ClassicReluExample_GivesTheFourScenarioPredictions()
    {
        var network = Examples.StatQuest<double>();
        double[][] sequences = [[0, 0], [0, 0.5], [1, 0.5], [1, 1]];
        var predictions = network.Predict(sequences.Select(s => (IReadOnlyList<double[]>)s.Select(x => new[] { x }).ToList()).ToList());
        double[] expected = [0, 0.99, 0, 0.99];
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], predictions[i][0], 1e-6);
    }

    [Fact]
    public void Predict_ClassicReluExampleInFloat32_GivesTheSamePredictions()
    {
        var network = Examples.StatQuest<float>();
        float[][] sequences = [[0, 0], [0, 0.5f], [1, 0.5f], [1, 1]];
        var predictions = network.Predict(sequences.Select(s => (IReadOnlyList<float[]>)s.Select(x => new[] { x }).ToList()).ToList());
        float[] expected = [0, 0.99f, 0, 0.99f];
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], predictions[i][0], 1e-6f);
    }

    [Fact]
    public void StatQuest_MatchesThePyTorchFixture()
    {
        var fixture = TorchFixture.Load("statquest.json");
        var network = Examples.StatQuest<double>();
        foreach (var p in network.Parameters) Assert.Equal(fixture.Params[p.Name].Data, p.Value.ToArray());
    }
}
