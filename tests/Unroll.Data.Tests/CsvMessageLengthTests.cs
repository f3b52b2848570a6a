using Unroll.Data.Csv;

namespace Unroll.Data.Tests;

/// <summary>
/// Messages quote what the file holds, but never all of it: a file of one enormous line (a wrong file, an upload to
/// `unroll serve`) gives a message of a line's length, with binary bytes shown as '?'.
/// </summary>
public sealed class CsvMessageLengthTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void HugeHeaderWithoutRows_GivesAShortMessage(int columns)
    {
        var header = string.Join(",", Enumerable.Range(0, columns).Select(k => new string((char)('a' + k), 200_000)));
        var e = Assert.Throws<DataException>(() => CsvSeriesReader.Parse(header + "\n", "big.csv"));
        Assert.True(e.Message.Length < 1000, $"a {e.Message.Length}-character message");
        Assert.StartsWith("big.csv", e.Message);
    }

    [Fact]
    public void BinaryBytes_AreShownAsQuestionMarks_NotRaw()
    {
        var text = "date,price\n2024-01-02,\u0001\u0002\u0007garbage\n";
        var e = Assert.Throws<DataException>(() => CsvSeriesReader.Parse(text, "bin.csv"));
        Assert.DoesNotContain(e.Message, c => c is '\u0001' or '\u0002' or '\u0007');
        Assert.Contains("???garbage", e.Message);
    }

    [Fact]
    public void HugeColumnNames_AreCutInTheListOfColumns()
    {
        var text = new string('x', 100_000) + ",price\n2024-01-02,1\n";
        var e = Assert.Throws<DataException>(() => CsvSeriesReader.Parse(text, "wide.csv", new CsvReadOptions { Column = "close" }));
        Assert.True(e.Message.Length < 1000, $"a {e.Message.Length}-character message");
    }
}
