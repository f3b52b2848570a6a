using System.Text.Json;
using Unroll.Core.Io;

namespace Unroll.Core.Tests;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-io-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathIn(string name) => Path.Combine(_folder, name);

    public static IEnumerable<object[]> Cells() => CellKinds.Names.Select(c => new object[] { c });

    [Theory]
    [MemberData(nameof(Cells))]
    public void LoadPyTorchStateDict_PredictsAndDifferentiatesAsPyTorchDid(string cellName)
    {
        var path = TorchFixture.PathOf($"torch_{cellName}.safetensors");
        CellKind? cellOverride = cellName.StartsWith("rnn") ? CellKinds.Parse(cellName) : null;
        var network = ModelFile.Load<float>(path, cellOverride).Network;
        Assert.Equal(CellKinds.Parse(cellName), network.Shape.Cell);
        Assert.Equal(2, network.Shape.Layers);

        using var expected = JsonDocument.Parse(File.ReadAllText(TorchFixture.PathOf($"torch_{cellName}.expected.json")));
        var root = expected.RootElement;
        var inputs = root.GetProperty("inputs").EnumerateArray()
            .Select(s => (IReadOnlyList<float[]>)s.EnumerateArray().Select(step => step.EnumerateArray().Select(x => x.GetSingle()).ToArray()).ToList()).ToList();
        var targets = root.GetProperty("targets").EnumerateArray().Select(x => x.GetSingle()).ToArray();
        var pass = network.Forward(network.Pack(inputs));
        var predictions = root.GetProperty("predictions").EnumerateArray().Select(p => p[0].GetDouble()).ToArray();
        for (int i = 0; i < predictions.Length; i++) TestData.Close(predictions[i], pass.Outputs[i], 1e-5, 1e-6, $"prediction {i}");
        var (loss, dOut) = TestData.SumSquared(pass.Outputs, targets);
        TestData.Close(root.GetProperty("loss").GetDouble(), loss, 1e-5, 1e-6, "loss");
        network.ZeroGradients();
        network.Backward(pass, dOut);
        foreach (var g in root.GetProperty("gradients").EnumerateObject())
        {
            var flat = Flatten(g.Value).ToArray();
            var mine = network[g.Name].Gradient;
            for (int i = 0; i < flat.Length; i++) TestData.Close(flat[i], mine[i], 1e-4, 1e-6, $"{g.Name}[{i}]");
        }
    }

    private static IEnumerable<double> Flatten(JsonElement e)
        => e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().SelectMany(Flatten) : [e.GetDouble()];

    [Fact]
    public void LoadRnnWithoutCellMetadata_IsTanhAsNnRnnsDefault_AndTheCellOverrideGivesRelu()
    {
        var path = TorchFixture.PathOf("torch_rnn_relu.safetensors");
        Assert.Equal(CellKind.RnnTanh, ModelFile.Load<float>(path).Network.Shape.Cell);
        Assert.Equal(CellKind.RnnRelu, ModelFile.Load<float>(path, CellKind.RnnRelu).Network.Shape.Cell);
    }

    [Theory]
    [InlineData(CellKind.RnnRelu, 1)]
    [InlineData(CellKind.Lstm, 3)]
    [InlineData(CellKind.Gru, 2)]
    public void SaveThenLoad_RoundTripsExactly(CellKind cell, int layers)
    {
        var network = RecurrentNetwork<float>.Create(new NetworkShape(cell, 3, 5, layers, 2), 9);
        var path = PathIn("model.safetensors");
        ModelFile.Save(network, path, new Dictionary<string, string> { ["note"] = "kept" });
        var loaded = ModelFile.Load<float>(path);
        Assert.Equal(network.Shape, loaded.Network.Shape);
        for (int k = 0; k < network.Parameters.Count; k++) Assert.Equal(network.Parameters[k].Value, loaded.Network.Parameters[k].Value);
        Assert.Equal("kept", loaded.Metadata["note"]);
        Assert.Equal(cell.ToName(), loaded.Metadata["cell"]);
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [Fact]
    public void SaveThenLoad_Double_RoundTripsExactly()
    {
        var network = RecurrentNetwork<double>.Create(new NetworkShape(CellKind.Lstm, 2, 3), 2);
        var path = PathIn("m64.safetensors");
        ModelFile.Save(network, path);
        var loaded = ModelFile.Load<double>(path).Network;
        for (int k = 0; k < network.Parameters.Count; k++) Assert.Equal(network.Parameters[k].Value, loaded.Parameters[k].Value);
    }

    [Fact]
    public void Load_TruncatedFile_SaysSo()
    {
        var bytes = File.ReadAllBytes(TorchFixture.PathOf("torch_lstm.safetensors"));
        var path = PathIn("cut.safetensors");
        File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]);
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load<float>(path));
        Assert.Contains("truncated", e.Message);
        Assert.Contains("cut.safetensors", e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "shorter than the 8-byte header length")]
    [InlineData(new byte[] { 255, 255, 255, 255, 0, 0, 0, 0, 1 }, "truncated or not safetensors")]
    [InlineData(new byte[] { 4, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'x', (byte)'!', (byte)'}' }, "not valid JSON")]
    public void Load_Garbage_GivesAClearError(byte[] bytes, string expected)
    {
        var path = PathIn("bad.safetensors");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load<float>(path));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("symbol,date,close\nAAPL,2024-01-02,185.6\n", "prices.csv: not a safetensors model file (its first bytes are text: 'symbol,date,close')")]
    [InlineData("this is not a model at all, just words", "prices.csv: not a safetensors model file (its first bytes are text: 'this is not a model at a...')")]
    public void Load_TextFile_SaysItIsNotASafetensorsFile_NotThatItClaimsExabytes(string text, string expected)
    {
        var path = PathIn("prices.csv");
        File.WriteAllText(path, text);
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load<float>(path));
        Assert.Contains(expected, e.Message);
        Assert.Contains("give a .safetensors file that 'unroll train' or PyTorch's safetensors wrote", e.Message);
        Assert.DoesNotContain("claims", e.Message);
    }

    [Fact]
    public void Load_WrongShape_NamesTheTensor()
    {
        var network = RecurrentNetwork<float>.Create(new NetworkShape(CellKind.Gru, 2, 4), 1);
        var tensors = network.Parameters.Select(p => new SafeTensor(p.Name, "F32",
            p.Name == "head.bias" ? [2] : [.. p.Shape], p.Name == "head.bias" ? [0, 0] : p.Value.Select(v => (double)v).ToArray())).ToList();
        var path = PathIn("shape.safetensors");
        SafeTensors.Write(path, tensors, new Dictionary<string, string> { ["cell"] = "gru" });
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load<float>(path));
        Assert.Contains("'head.bias' has shape [2]", e.Message);
    }

    [Fact]
    public void Load_MissingFile_SaysSo()
    {
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load<float>(PathIn("nope.safetensors")));
        Assert.Contains("no such model file", e.Message);
    }

    [Fact]
    public void Save_IntoMissingFolder_FailsAndWritesNothing()
    {
        var network = RecurrentNetwork<float>.Create(new NetworkShape(CellKind.Gru, 1, 2), 1);
        Assert.Throws<DirectoryNotFoundException>(() => ModelFile.Save(network, PathIn("missing/m.safetensors")));
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }
}
