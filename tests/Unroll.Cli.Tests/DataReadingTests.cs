namespace Unroll.Cli.Tests;

/// <summary>The progress bar for reading: only for a file over 50 MB, only on a terminal, never under --quiet.</summary>
public sealed class DataReadingTests
{
    [Theory]
    [InlineData(DataReading.ProgressThreshold + 1, false, true, true)]
    [InlineData(DataReading.ProgressThreshold, false, true, false)]
    [InlineData(1_000, false, true, false)]
    [InlineData(DataReading.ProgressThreshold + 1, true, true, false)]
    [InlineData(DataReading.ProgressThreshold + 1, false, false, false)]
    public void ShowsProgress_OnlyForALargeFileOnATerminalWithoutQuiet(long bytes, bool quiet, bool terminal, bool expected)
        => Assert.Equal(expected, DataReading.ShowsProgress(bytes, quiet, terminal));

    [Fact]
    public void Threshold_Is50MB()
        => Assert.Equal(50_000_000, DataReading.ProgressThreshold);
}
