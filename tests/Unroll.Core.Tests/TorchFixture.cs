using System.Text.Json;

namespace Unroll.Core.Tests;

/// <summary>One PyTorch reference case from fixtures/ (made by fixtures/make_fixtures.py).</summary>
public sealed class TorchFixture
{
    public required NetworkShape Shape { get; init; }
    public required Dictionary<string, (int[] Shape, double[] Data)> Params { get; init; }
    public required List<List<double[]>> Inputs { get; init; }
    public required double[][] Targets { get; init; }
    public required double[][] Predictions { get; init; }
    public required double Loss { get; init; }
    public required Dictionary<string, double[]> Gradients { get; init; }
    public double[][][]? InputGradients { get; init; }
    public double[][][]? FinalHidden { get; init; }
    public double[][][]? FinalCell { get; init; }

    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "fixtures", file);

    public static TorchFixture Load(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(PathOf(file)));
        var root = doc.RootElement;
        var shape = new NetworkShape(CellKinds.Parse(root.GetProperty("cell").GetString()!),
            root.GetProperty("input_size").GetInt32(), root.GetProperty("hidden_size").GetInt32(),
            root.GetProperty("num_layers").GetInt32(), root.GetProperty("output_size").GetInt32());
        var parameters = new Dictionary<string, (int[], double[])>();
        foreach (var p in root.GetProperty("params").EnumerateObject())
            parameters[p.Name] = (p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                Doubles(p.Value.GetProperty("data")));
        var gradients = root.GetProperty("gradients").EnumerateObject().ToDictionary(p => p.Name, p => Doubles(p.Value));
        return new TorchFixture
        {
            Shape = shape,
            Params = parameters,
            Inputs = root.GetProperty("inputs").EnumerateArray().Select(s => s.EnumerateArray().Select(Doubles).ToList()).ToList(),
            Targets = root.GetProperty("targets").EnumerateArray().Select(Doubles).ToArray(),
            Predictions = root.GetProperty("predictions").EnumerateArray().Select(Doubles).ToArray(),
            Loss = root.GetProperty("loss").GetDouble(),
            Gradients = gradients,
            InputGradients = root.TryGetProperty("input_gradients", out var ig) ? Nested3(ig) : null,
            FinalHidden = root.TryGetProperty("final_hidden", out var fh) ? Nested3(fh) : null,
            FinalCell = root.TryGetProperty("final_cell", out var fc) ? Nested3(fc) : null,
        };
    }

    public RecurrentNetwork<T> Build<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var network = new RecurrentNetwork<T>(Shape);
        foreach (var p in network.Parameters)
        {
            var (shape, data) = Params[p.Name];
            Assert.Equal(p.Shape, shape);
            for (int i = 0; i < data.Length; i++) p.Value[i] = T.CreateChecked(data[i]);
        }
        return network;
    }

    public List<IReadOnlyList<T[]>> InputsAs<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        => Inputs.Select(s => (IReadOnlyList<T[]>)s.Select(step => step.Select(T.CreateChecked).ToArray()).ToList()).ToList();

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    private static double[][][] Nested3(JsonElement e)
        => e.EnumerateArray().Select(a => a.EnumerateArray().Select(Doubles).ToArray()).ToArray();

    public static IEnumerable<object[]> Cases(string dtype)
    {
        foreach (var cell in CellKinds.Names)
            foreach (var layers in new[] { 1, 3 })
                yield return [$"torch_{cell}_L{layers}_{dtype}.json"];
    }
}
