using Unroll.Core.Cells;

namespace Unroll.Core.Tests;

[CollectionDefinition("cell paths", DisableParallelization = true)]
public class CellPathCollection;

/// <summary>The float cells' narrower vector path (Vector&lt;T&gt;, as on AVX2 machines) against PyTorch too.</summary>
[Collection("cell paths")]
public class CellPathTests
{
    public static IEnumerable<object[]> Float32Cases => TorchFixture.Cases("float32");

    [Theory]
    [MemberData(nameof(Float32Cases))]
    public void Float32_NarrowVectorPath_MatchesPyTorch(string file)
    {
        bool saved = FastMath.UseVector512;
        FastMath.UseVector512 = false;
        try
        {
            var fixture = TorchFixture.Load(file);
            var network = fixture.Build<float>();
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
        finally
        {
            FastMath.UseVector512 = saved;
        }
    }

    public static IEnumerable<object[]> WideCases()
    {
        foreach (CellKind cell in Enum.GetValues<CellKind>())
            foreach (int hidden in new[] { 9, 19, 33 })
                foreach (bool wide in new[] { true, false })
                    yield return [cell, hidden, wide];
    }

    /// <summary>
    /// Hidden sizes that fill whole vectors plus a tail, on both float paths: forward and gradients against the
    /// float64 engine (itself checked against finite differences and PyTorch).
    /// </summary>
    [Theory]
    [MemberData(nameof(WideCases))]
    public void Float32_VectorPathsWithTails_MatchFloat64(CellKind cell, int hidden, bool wide)
    {
        bool saved = FastMath.UseVector512;
        FastMath.UseVector512 = wide && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated;
        try
        {
            var shape = new NetworkShape(cell, 3, hidden, 2, 2);
            var exact = RecurrentNetwork<double>.Create(shape, 5);
            var single = new RecurrentNetwork<float>(shape);
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
        finally
        {
            FastMath.UseVector512 = saved;
        }
    }
}
