using FsCheck;
using FsCheck.Fluent;

namespace Unroll.Core.Tests;

/// <summary>Properties over random ragged batches (FsCheck): what holds for every order and every mix of lengths.</summary>
public class PropertyTests
{
    private static readonly RecurrentNetwork<double>[] Networks =
        Enum.GetValues<CellKind>().Select(c => RecurrentNetwork<double>.Create(new NetworkShape(c, 2, 5, 2, 2), 17)).ToArray();

    private static Arbitrary<(int[] Lengths, int[] Order, int Seed)> Batches()
        => (from count in Gen.Choose(1, 7)
            from lengths in Gen.ArrayOf(Gen.Choose(1, 12), count)
            from order in Gen.Shuffle(Enumerable.Range(0, count))
            from seed in Gen.Choose(0, 1000)
            select (lengths, order.ToArray(), seed)).ToArbitrary();

    [Fact]
    public void Predict_AnyOrderOfAnyRaggedBatch_GivesEachSequenceTheSamePrediction()
    {
        Prop.ForAll(Batches(), batch =>
        {
            var sequences = TestData.Sequences<double>(batch.Seed, 2, batch.Lengths);
            var shuffled = batch.Order.Select(i => sequences[i]).ToList();
            return Networks.All(network =>
            {
                var inOrder = network.Predict(sequences);
                var permuted = network.Predict(shuffled);
                return batch.Order.Select((source, position) => (source, position))
                    .All(p => inOrder[p.source].Zip(permuted[p.position]).All(v => Math.Abs(v.First - v.Second) <= 1e-12 * (1 + Math.Abs(v.First))));
            });
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Backward_AnyRaggedBatch_GradientIsTheSumOfEachSequencesGradient()
    {
        Prop.ForAll(Batches(), batch =>
        {
            var sequences = TestData.Sequences<double>(batch.Seed, 2, batch.Lengths);
            return Networks.All(network =>
            {
                var dOut = Enumerable.Range(0, sequences.Count * 2).Select(i => Math.Sin(i + batch.Seed)).ToArray();
                network.ZeroGradients();
                network.Backward(network.Forward(network.Pack(sequences)), dOut);
                var together = network.Parameters.Select(p => p.Gradient.ToArray()).ToList();
                network.ZeroGradients();
                for (int s = 0; s < sequences.Count; s++)
                    network.Backward(network.Forward(network.Pack([sequences[s]])), dOut.AsSpan(2 * s, 2));
                return network.Parameters.Select((p, k) => p.Gradient.Zip(together[k]).All(v => Math.Abs(v.First - v.Second) <= 1e-10 * (1 + Math.Abs(v.First)))).All(ok => ok);
            });
        }).QuickCheckThrowOnFailure();
    }
}
