using System.Text.Json;
using Unroll.Core.Io;

namespace Unroll.Core.Tests;

/// <summary>State dicts saved as PyTorch users save them (fixtures/pytorch_names, made by make_pytorch_names.py):
/// other module names, bias=False, and the features Unroll refuses by name.</summary>
public sealed class PyTorchNamesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-names-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Fixture(string file) => TorchFixture.PathOf(Path.Combine("pytorch_names", file));

    private static double[][] Json2(string file)
        => JsonSerializer.Deserialize<double[][]>(File.ReadAllText(Fixture(file)))!;

    private static void PredictsAsPyTorch(LoadedModel<double> loaded, string name)
    {
        var inputs = JsonSerializer.Deserialize<double[][][]>(File.ReadAllText(Fixture($"{name}.inputs.json")))!;
        var expected = Json2($"{name}.expected.json");
        var predictions = loaded.Network.Predict(inputs.Select(s => (IReadOnlyList<double[]>)s.ToList()).ToList());
        Assert.Equal(expected.Length, predictions.Length);
        for (int s = 0; s < expected.Length; s++)
            for (int o = 0; o < expected[s].Length; o++)
                TestData.Close(expected[s][o], predictions[s][o], 1e-5, 1e-5, $"{name}: sequence {s} output {o}");
    }

    [Theory]
    [InlineData("lstm_fc", CellKind.Lstm, "lstm.=rnn.,fc.=head.")]
    [InlineData("rnn_linear", CellKind.RnnTanh, "linear.=head.")]
    [InlineData("model_gru_head", CellKind.Gru, "model.gru.=rnn.,model.head.=head.")]
    [InlineData("encoder_decoder", CellKind.Gru, "encoder.gru.=rnn.,decoder.=head.")]
    [InlineData("lstm_nobias", CellKind.Lstm, "lstm.=rnn.,fc.=head.")]
    public void Load_OneRecurrentModuleAndOneLinearLayerUnderAnyNames_IsRecognisedAndPredictsAsPyTorch(string name, CellKind cell, string mapping)
    {
        var loaded = ModelFile.Load<double>(Fixture($"{name}.safetensors"));
        Assert.Equal(cell, loaded.Network.Shape.Cell);
        Assert.NotNull(loaded.Mapping);
        Assert.True(loaded.Mapping.Recognised);
        Assert.Equal(mapping, loaded.Mapping.ToString());
        PredictsAsPyTorch(loaded, name);
    }

    [Fact]
    public void Load_RnnWithTheCellGiven_RunsRelu()
    {
        var loaded = ModelFile.Load<double>(Fixture("rnn_relu_linear.safetensors"), new ModelFileOptions { Cell = CellKind.RnnRelu });
        Assert.Equal(CellKind.RnnRelu, loaded.Network.Shape.Cell);
        PredictsAsPyTorch(loaded, "rnn_relu_linear");
    }

    [Fact]
    public void Load_WithAGivenNameMap_UsesItAndSaysSo()
    {
        var options = new ModelFileOptions { NameMap = ModelFileOptions.ParseNameMap("lstm1.=rnn.,fc.=head.,lstm2.=ignored.") };
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load<double>(Fixture("ambiguous_rnns.safetensors"), options));
        Assert.Contains("ignored.", e.Message);   // a map renames, it does not drop: the other LSTM is still there

        var loaded = ModelFile.Load<double>(Fixture("lstm_fc.safetensors"), new ModelFileOptions { NameMap = ModelFileOptions.ParseNameMap("lstm.=rnn., fc.=head.") });
        Assert.False(loaded.Mapping!.Recognised);
        Assert.Equal("lstm.=rnn.,fc.=head.", loaded.Mapping.ToString());
        PredictsAsPyTorch(loaded, "lstm_fc");
    }

    [Fact]
    public void Load_UnrollsOwnNames_ReportsNoMapping()
    {
        var path = Path.Combine(_folder, "own.safetensors");
        ModelFile.Save(RecurrentNetwork<double>.Create(new NetworkShape(CellKind.Gru, 2, 3), 1), path);
        Assert.Null(ModelFile.Load<double>(path).Mapping);
    }

    [Theory]
    [InlineData("ambiguous_rnns", "lstm1.*", "lstm2.*")]
    [InlineData("ambiguous_heads", "fc.*", "out.*")]
    public void Load_Ambiguous_ListsTheCandidatesAndNamesTheMap(string name, string first, string second)
    {
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load<double>(Fixture($"{name}.safetensors")));
        Assert.Contains(first, e.Message);
        Assert.Contains(second, e.Message);
        Assert.Equal(ModelFile.NameMapSetting, e.Setting);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("bidirectional", "bidirectional")]
    [InlineData("projected", "proj_size")]
    [InlineData("batchnorm", "batch normalisation")]
    public void Load_UnsupportedFeature_IsRefusedByName(string name, string feature)
    {
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load<double>(Fixture($"{name}.safetensors")));
        Assert.Contains(feature, e.Message);
        Assert.Contains("not support", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Load_BiasFalse_LoadsZeroBiasesAndSavesThemBackOnlyWhenAsked()
    {
        var loaded = ModelFile.Load<double>(Fixture("lstm_nobias.safetensors"));
        Assert.True(loaded.WithoutRecurrentBiases);
        Assert.True(loaded.WithoutHeadBias);
        Assert.All(loaded.Network.Parameters.Where(p => p.Name.Contains("bias", StringComparison.Ordinal)), p => Assert.All(p.Value, v => Assert.Equal(0.0, v)));

        var full = Path.Combine(_folder, "full.safetensors");
        var bare = Path.Combine(_folder, "bare.safetensors");
        ModelFile.Save(loaded.Network, full);
        ModelFile.Save(loaded.Network, bare, omitZeroBiases: true);
        Assert.Contains(SafeTensors.Read(full).Tensors, t => t.Name == "rnn.bias_ih_l0");
        Assert.DoesNotContain(SafeTensors.Read(bare).Tensors, t => t.Name.Contains("bias", StringComparison.Ordinal));
        var again = ModelFile.Load<double>(bare);
        Assert.Null(again.Mapping);
        PredictsAsPyTorch(again, "lstm_nobias");
    }

    [Fact]
    public void Save_OmitZeroBiases_KeepsBiasesThatAreNotZero()
    {
        var network = RecurrentNetwork<double>.Create(new NetworkShape(CellKind.Lstm, 2, 3), 4);
        var path = Path.Combine(_folder, "kept.safetensors");
        ModelFile.Save(network, path, omitZeroBiases: true);
        Assert.Equal(network.Parameters.Count, SafeTensors.Read(path).Tensors.Count);
    }

    [Theory]
    [InlineData("lstm.")]
    [InlineData("lstm.=rnn.,=")]
    [InlineData("a.=b.,a.=c.")]
    public void ParseNameMap_Malformed_SaysTheForm(string text)
        => Assert.Throws<ArgumentException>(() => ModelFileOptions.ParseNameMap(text));
}
