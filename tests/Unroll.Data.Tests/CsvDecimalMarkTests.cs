using System.Globalization;
using Unroll.Data.Csv;

namespace Unroll.Data.Tests;

/// <summary>Decimal marks and thousands separators: a number is read as written or refused, never misread.</summary>
public sealed class CsvDecimalMarkTests : IDisposable
{
    private readonly TestFiles _files = new();
    private static readonly CsvReadOptions DecimalComma = new() { DecimalSeparator = ',' };

    public void Dispose() => _files.Dispose();

    private double[] Values(string content, CsvReadOptions? options = null) =>
        CsvSeriesReader.Read(_files.Write("v.csv", content), options).Series[0].Values;

    [Fact]
    public void QuotedDecimalComma_InCommaFile_IsRefusedNamingTheDecimalOption()
    {
        var e = _files.ReadFails("euro.csv", "date,price\n2020-01-01,\"164,42\"\n");

        Assert.Equal(2, e.Line);
        Assert.Equal("price", e.Column);
        Assert.Contains("'164,42'", e.Message);
        Assert.Contains("decimal comma", e.Message);
        Assert.Contains("164.42", e.Message);
        Assert.Contains("CsvReadOptions.DecimalSeparator = ','", e.Message);
        Assert.Contains(CsvSettings.DecimalComma, e.Settings);
        Assert.DoesNotContain("16442", e.Message);
    }

    [Fact]
    public void UnquotedDecimalComma_InCommaFile_IsRefusedAsAnExtraValueWithADecimalCommaHint()
    {
        var e = _files.ReadFails("split.csv", "date,price\n2020-01-01,164,42\n");

        Assert.Equal(2, e.Line);
        Assert.Contains("3 values but the header has 2 columns", e.Message);
        Assert.Contains("'164,42'", e.Message);
        Assert.Contains("CsvReadOptions.DecimalSeparator = ','", e.Message);
        Assert.Contains(CsvSettings.DecimalComma, e.Settings);
    }

    [Fact]
    public void QuotedDecimalComma_WithDecimalCommaOption_Reads164Point42()
    {
        Assert.Equal([164.42, 0.5], Values("date,price\n2020-01-01,\"164,42\"\n2020-01-02,\"0,5\"\n", DecimalComma));
    }

    [Theory]
    [InlineData("\"1,234.5\"", 1234.5)]
    [InlineData("\"1,234\"", 1234)]
    [InlineData("\"1,234,567.89\"", 1234567.89)]
    [InlineData("\"-12,345\"", -12345)]
    [InlineData("\"999.5\"", 999.5)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5)]
    [InlineData("+8e1", 80)]
    public void StrictThousands_WithDecimalPoint_AreRead(string field, double expected)
    {
        Assert.Equal([expected], Values($"date,price\n2020-01-01,{field}\n"));
    }

    [Theory]
    [InlineData("1,2345")]
    [InlineData("1,23")]
    [InlineData(",5")]
    [InlineData("0,123")]
    [InlineData("1.234,5")]
    public void CommaThatIsNotAThousandsSeparator_WithDecimalPoint_IsRefusedAsADecimalComma(string field)
    {
        var e = _files.ReadFails("c.csv", $"date,price\n2020-01-01,1\n2020-01-02,\"{field}\"\n");

        Assert.Equal(3, e.Line);
        Assert.Equal("price", e.Column);
        Assert.Contains($"'{field}'", e.Message);
        Assert.Contains("decimal comma", e.Message);
        Assert.Contains("CsvReadOptions.DecimalSeparator = ','", e.Message);
        Assert.Contains(CsvSettings.DecimalComma, e.Settings);
    }

    [Theory]
    [InlineData("1,2,3")]
    [InlineData("1,,234")]
    [InlineData("12,34.5")]
    [InlineData("1,234,5")]
    [InlineData("1 234")]
    [InlineData("$12")]
    [InlineData("1.2.3")]
    public void MalformedNumber_IsRefusedAsNotANumber(string field)
    {
        var e = _files.ReadFails("n.csv", $"date,price\n2020-01-01,1\n2020-01-02,\"{field}\"\n");

        Assert.Equal(3, e.Line);
        Assert.Contains($"'{field}' is not a number", e.Message);
    }

    [Theory]
    [InlineData("164,42", 164.42)]
    [InlineData("1.234,5", 1234.5)]
    [InlineData("1.234.567,89", 1234567.89)]
    [InlineData("-0,5", -0.5)]
    [InlineData("1,5e3", 1500)]
    [InlineData("12", 12)]
    public void DecimalComma_ReadsCommaDecimalsAndPointThousands(string field, double expected)
    {
        Assert.Equal([expected], Values($"date,price\n2020-01-01,\"{field}\"\n", DecimalComma));
    }

    /// <summary>Any number written with thousands separators, in either convention, reads back as written.</summary>
    [Fact]
    public void GroupedNumbers_InEitherConvention_ReadBackAsWritten()
    {
        var rng = new Random(8);
        for (int i = 0; i < 2000; i++)
        {
            double d = Math.Round((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(0, 12)), rng.Next(0, 6));
            string us = d.ToString("N" + rng.Next(0, 6), CultureInfo.InvariantCulture);
            double expected = double.Parse(us, NumberStyles.Number, CultureInfo.InvariantCulture);
            string european = new(us.Select(c => c switch { ',' => '.', '.' => ',', _ => c }).ToArray());

            var usReading = FieldParsing.ReadNumber(us, '.', out double usValue, out _);
            var euReading = FieldParsing.ReadNumber(european, ',', out double euValue, out _);

            Assert.True(usReading != NumberReading.NotANumber && usReading != NumberReading.OtherMark, $"{us}: {usReading}");
            Assert.True(euReading != NumberReading.NotANumber && euReading != NumberReading.OtherMark, $"{european}: {euReading}");
            Assert.Equal(expected, usValue);
            Assert.Equal(expected, euValue);
        }
    }

    [Fact]
    public void DecimalPoint_WithDecimalCommaOption_IsRefusedSayingToLeaveOutTheOption()
    {
        var e = _files.ReadFails("us.csv", "date,price\n2020-01-01,164.42\n", DecimalComma);

        Assert.Equal(2, e.Line);
        Assert.Contains("'164.42'", e.Message);
        Assert.Contains("'.' as the decimal point", e.Message);
        Assert.Contains("Use CsvReadOptions.DecimalSeparator = '.' (the default)", e.Message);
        Assert.Contains(CsvSettings.DecimalPoint, e.Settings);
    }

    [Fact]
    public void PointGroupedNumber_WithDecimalCommaOption_IsThousandsWhenAnotherValueHasADecimalComma()
    {
        Assert.Equal([1234, 5.5], Values("date,price\n2020-01-01,1.234\n2020-01-02,\"5,5\"\n", DecimalComma));
    }

    [Fact]
    public void PointGroupedNumber_WithDecimalCommaOption_IsRefusedAsAmbiguousWhenNothingSettlesIt()
    {
        var e = _files.ReadFails("amb.csv", "date,price\n2020-01-01,1.234\n2020-01-02,7\n", DecimalComma);

        Assert.Equal(2, e.Line);
        Assert.Contains("'1.234' could be 1234 ('.' separating thousands) or 1.234 ('.' as the decimal mark)", e.Message);
        Assert.Contains("Use CsvReadOptions.DecimalSeparator = '.' (the default)", e.Message);
        Assert.Contains(CsvSettings.DecimalPoint, e.Settings);
        Assert.Contains("write the value as 1234", e.Message);
    }

    [Fact]
    public void ThreeDecimalDigitsWithDecimalCommaOption_AreDecimals_TheOptionSaysSo()
    {
        Assert.Equal([1.5], Values("date,price\n2020-01-01,\"1,500\"\n", DecimalComma));
    }

    [Fact]
    public void ColumnOfDecimalCommas_IsStillFoundAsTheNumericTarget()
    {
        var e = _files.ReadFails("level.csv", "date,level\n2020-01-01,\"1,5\"\n2020-01-02,\"2,25\"\n");

        Assert.Equal("level", e.Column);
        Assert.Contains("CsvReadOptions.DecimalSeparator = ','", e.Message);
        Assert.Contains(CsvSettings.DecimalComma, e.Settings);
    }

    [Theory]
    [InlineData(';')]
    [InlineData(' ')]
    [InlineData('\0')]
    public void UnsupportedDecimalMark_IsRefusedNamingTheTwoMarks(char mark)
    {
        var e = _files.ReadFails("m.csv", "date,price\n2020-01-01,1\n", new CsvReadOptions { DecimalSeparator = mark });

        Assert.Contains("'.'", e.Message);
        Assert.Contains("','", e.Message);
        Assert.Contains("CsvReadOptions.DecimalSeparator", e.Message);
        Assert.Contains(CsvSettings.DecimalComma, e.Settings);
    }
}
