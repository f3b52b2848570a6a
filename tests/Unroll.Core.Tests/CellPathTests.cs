using Unroll.Core.Cells;

namespace Unroll.Core.Tests;

/// <summary>
/// The float cells' narrower paths (Vector&lt;T&gt;, as on AVX2 machines, and scalar) against PyTorch too, and every path
/// with tails against float64: each test sets the path on its own network, so all of them run on any machine.
/// </summary>
public class CellPathTests
{
    public static IEnumerable<object[]> Float32Cases()
    {
        foreach (var file in TorchFixture.Cases("float32"))
            foreach (var simd in new[] { CellSimd.Vector, CellSimd.Scalar })
                yield return [file[0], simd.ToString()];
    }

    [Theory]
    [MemberData(nameof(Float32Cases))]
    public void Float32_NarrowerPaths_MatchPyTorch(string file, string simd)
    {
        var fixture = TorchFixture.Load(file);
        var network = fixture.Build<float>();
        network.CellSimd = Enum.Parse<CellSimd>(simd);
        var pass = network.Forward(network.Pack(fixture.InputsAs<float>()));
        var expected = TestData.Flat(fixture.Predictions);
        for (int i = 0; i < expected.Length; i++) TestData.Close(expected[i], pass.Outputs[i], 1e-4, 2e-6, $"prediction {i}");
        var targets = TestData.Flat(fixture.Targets).Select(t => (float)t).ToArray();
        network.ZeroGradients();
        network.Backward(pass, TestData.SumSquared(pass.Outputs, targets).Gradient);
        foreach (var p in network.Parameters)
            for (int i = 0; i < p.Gradient.Length; i++)
                TestData.Close(fixture.Gradients[p.Name][i], p.Gradient[i], 1e-4, 2e-6, $"{p.Name}[{i}]");
    }

    public static IEnumerable<object[]> WideCases()
    {
        foreach (CellKind cell in Enum.GetValues<CellKind>())
            foreach (int hidden in new[] { 9, 19, 33 })
                foreach (CellSimd simd in Enum.GetValues<CellSimd>())
                    yield return [cell, hidden, simd.ToString()];
    }

    /// <summary>
    /// Hidden sizes that fill whole vectors plus a tail, on every float path (Vector512 runs in software where the
    /// machine lacks it): forward and gradients against the float64 engine (itself checked against finite differences
    /// and PyTorch).
    /// </summary>
    [Theory]
    [MemberData(nameof(WideCases))]
    public void Float32_VectorPathsWithTails_MatchFloat64(CellKind cell, int hidden, string simd)
    {
        var shape = new NetworkShape(cell, 3, hidden, 2, 2);
        var exact = RecurrentNetwork<double>.Create(shape, 5);
        var single = new RecurrentNetwork<float>(shape) { CellSimd = Enum.Parse<CellSimd>(simd) };
        for (int k = 0; k < exact.Parameters.Count; k++)
            for (int i = 0; i < exact.Parameters[k].Value.Length; i++)
                exact.Parameters[k].Value[i] = single.Parameters[k].Value[i] = (float)exact.Parameters[k].Value[i];
        var sequences = TestData.Sequences<double>(8, 3, 6, 11, 1, 4);
        var pass64 = exact.Forward(exact.Pack(sequences));
        var pass32 = single.Forward(single.Pack(sequences.Select(s => (IReadOnlyList<float[]>)s.Select(x => x.Select(v => (float)v).ToArray()).ToList()).ToList()));
        for (int i = 0; i < pass64.Outputs.Length; i++) TestData.Close(pass64.Outputs[i], pass32.Outputs[i], 1e-4, 1e-5, $"output {i}");
        var dOut = Enumerable.Range(0, pass64.Outputs.Length).Select(i => Math.Cos(i)).ToArray();
        exact.Backward(pass64, dOut);
        single.Backward(pass32, dOut.Select(v => (float)v).ToArray());
        for (int k = 0; k < exact.Parameters.Count; k++)
            for (int i = 0; i < exact.Parameters[k].Gradient.Length; i++)
                TestData.Close(exact.Parameters[k].Gradient[i], single.Parameters[k].Gradient[i], 1e-3, 1e-5, $"{exact.Parameters[k].Name}[{i}]");
    }

    /// <summary>
    /// Double networks: the forward is the exact scalar or TensorPrimitives path whatever the choice, and the backward
    /// equations have no e^x, so Vector&lt;double&gt; and scalar give the same bits.
    /// </summary>
    [Theory]
    [MemberData(nameof(SequenceTests.Cells), MemberType = typeof(SequenceTests))]
    public void Float64_EveryPath_GivesTheSameBits(CellKind cell)
    {
        var results = Enum.GetValues<CellSimd>().Select(simd => Run<double>(cell, simd, simd)).ToList();
        foreach (var other in results.Skip(1)) Assert.Equal(results[0], other);
    }

    /// <summary>
    /// Float networks on one tape: the GRU and Elman backward equations have no e^x, so every path gives the same bits
    /// (the LSTM's recomputes tanh(c) with the path's e^x, checked above against float64 instead).
    /// </summary>
    [Theory]
    [InlineData(CellKind.Gru)]
    [InlineData(CellKind.RnnRelu)]
    [InlineData(CellKind.RnnTanh)]
    public void Float32_BackwardWithoutExp_EveryPathGivesTheSameBits(CellKind cell)
    {
        var results = Enum.GetValues<CellSimd>().Select(simd => Run<float>(cell, CellSimds.Best, simd)).ToList();
        foreach (var other in results.Skip(1)) Assert.Equal(results[0], other);
    }

    /// <summary>Outputs and every gradient, forward on one path and backward on another, hidden 19 (a whole vector and a tail).</summary>
    private static List<double> Run<T>(CellKind cell, CellSimd forward, CellSimd backward) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var network = RecurrentNetwork<T>.Create(new NetworkShape(cell, 3, 19, 2, 2), 9);
        network.CellSimd = forward;
        var sequences = TestData.Sequences<T>(4, 3, 5, 9, 1, 7);
        var pass = network.Forward(network.Pack(sequences));
        network.CellSimd = backward;
        var dOut = Enumerable.Range(0, pass.Outputs.Length).Select(i => T.CreateChecked(Math.Sin(i + 1))).ToArray();
        network.ZeroGradients();
        var back = network.Backward(pass, dOut, new BackwardOptions { InputGradient = true });
        return pass.Outputs.ToArray().Concat(back.PackedInputGradient!).Concat(network.Parameters.SelectMany(p => p.Gradient))
            .Select(v => double.CreateChecked(v)).ToList();
    }
}
