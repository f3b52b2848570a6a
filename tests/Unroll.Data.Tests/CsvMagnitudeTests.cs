using Unroll.Data.Csv;

namespace Unroll.Data.Tests;

/// <summary>Values beyond what float32 training can hold after scaling are refused, naming the first one.</summary>
public sealed class CsvMagnitudeTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData("1e31")]
    [InlineData("-1e31")]
    [InlineData("1e300")]
    [InlineData("1e400")]
    [InlineData("\"12,345e27\"")]
    public void ValueBeyond1e30_IsRefusedNamingLineColumnAndTheFix(string value)
    {
        var e = _files.ReadFails("big.csv", $"date,price\n2020-01-01,1\n2020-01-02,{value}\n2020-01-03,1e40\n");

        Assert.Equal(3, e.Line);
        Assert.Equal("price", e.Column);
        Assert.Contains($"'{value.Trim('"')}'", e.Message);
        Assert.Contains("1e30", e.Message);
        Assert.Contains("float32", e.Message);
        Assert.Contains("Rescale the column", e.Message);
    }

    [Fact]
    public void FeatureBeyond1e30_IsRefusedNamingItsColumn()
    {
        var e = _files.ReadFails("bigf.csv", "date,price,volume\n2020-01-01,1,2e31\n",
            new CsvReadOptions { Features = ["volume"] });

        Assert.Equal(2, e.Line);
        Assert.Equal("volume", e.Column);
        Assert.Contains("'2e31'", e.Message);
    }

    [Fact]
    public void ValuesUpTo1e30_AreRead()
    {
        using var files = new TestFiles();
        string path = files.Write("ok.csv", "date,price\n2020-01-01,1e29\n2020-01-02,-1e30\n2020-01-03,1e-30\n");

        Assert.Equal([1e29, -1e30, 1e-30], CsvSeriesReader.Read(path).Series[0].Values);
        Assert.Equal(1e30, CsvSeriesReader.MaxMagnitude);
    }
}
