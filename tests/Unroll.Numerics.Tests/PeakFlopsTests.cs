using System.Runtime.Intrinsics;
using Xunit;

namespace Unroll.Numerics.Tests;

public class PeakFlopsTests
{
    [Fact]
    public void Measure_ShortRun_ReportsPositiveRatesAndTheWidestVector()
    {
        PeakFlopsResult peak = PeakFlops.Measure(TimeSpan.FromMilliseconds(20));
        Assert.True(peak.SingleCoreGflops > 0);
        Assert.True(peak.AllCoresGflops > 0);
        Assert.Equal(Environment.ProcessorCount, peak.Threads);
        Assert.Equal(Vector512.IsHardwareAccelerated ? 512 : peak.VectorBits, peak.VectorBits);
        Assert.Contains(peak.VectorBits, new[] { 32, 128, 256, 512 });
    }

    [Fact]
    public void Measure_ZeroDuration_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PeakFlops.Measure(TimeSpan.Zero));
}
