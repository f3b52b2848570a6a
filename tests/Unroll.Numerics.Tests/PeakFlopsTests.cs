using System.Runtime.Intrinsics;
using Xunit;
using FmaX86 = System.Runtime.Intrinsics.X86.Fma;

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
        // The widest accelerated width, as documented (Vector256 counts only with FMA).
        int widest = Vector512.IsHardwareAccelerated ? 512
            : Vector256.IsHardwareAccelerated && FmaX86.IsSupported ? 256
            : Vector128.IsHardwareAccelerated ? 128 : 32;
        Assert.Equal(widest, peak.VectorBits);
        Assert.Equal(PeakFlops.VectorBits, peak.VectorBits);
        Assert.Contains(peak.VectorBits, new[] { 32, 128, 256, 512 });
    }

    /// <summary>Every width runs where it is accelerated (forced narrower on wider machines), and is refused elsewhere.</summary>
    [Theory]
    [InlineData(512)]
    [InlineData(256)]
    [InlineData(128)]
    [InlineData(32)]
    public void Measure_ForcedWidth_RunsAndReportsItOrIsRefused(int bits)
    {
        if (!PeakFlops.IsAccelerated(bits))
        {
            var e = Assert.Throws<ArgumentException>(() => PeakFlops.Measure(TimeSpan.FromMilliseconds(5), bits));
            Assert.Contains($"{bits}-bit vectors are not accelerated", e.Message);
            return;
        }
        PeakFlopsResult peak = PeakFlops.Measure(TimeSpan.FromMilliseconds(10), bits);
        Assert.Equal(bits, peak.VectorBits);
        Assert.True(peak.SingleCoreGflops > 0 && double.IsFinite(peak.SingleCoreGflops));
        Assert.True(peak.AllCoresGflops > 0 && double.IsFinite(peak.AllCoresGflops));
    }

    [Fact]
    public void Measure_UnknownWidth_IsRefused()
    {
        Assert.False(PeakFlops.IsAccelerated(64));
        Assert.Throws<ArgumentException>(() => PeakFlops.Measure(TimeSpan.FromMilliseconds(5), 64));
        Assert.True(PeakFlops.IsAccelerated(32));   // scalar runs everywhere, so every machine measures something
    }

    [Fact]
    public void Measure_ZeroDuration_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PeakFlops.Measure(TimeSpan.Zero));
}
