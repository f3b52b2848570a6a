using System.Text;
using Unroll.Data.Csv;

namespace Unroll.Data.Tests;

/// <summary>
/// Seeded fuzzing of the CSV reader: whatever the text, it either reads series or throws its one typed error
/// (<see cref="DataException"/>, one line, naming the source), never another exception and never a hang.
/// Every case is rebuilt from its kind and number, which a failure names.
/// </summary>
public sealed class CsvFuzzTests
{
    private static readonly TimeSpan PerCase = TimeSpan.FromSeconds(10);
    private const string Source = "fuzz.csv";

    private static readonly string[] DotNetPatterns = ["System.", "(Parameter '", " at Unroll.", "Exception", "CsvHelper", "byte offset"];

    /// <summary>Reads <paramref name="text"/> on a task; fails naming <paramref name="what"/> on any exception other
    /// than a well-formed <see cref="DataException"/>, or when the read takes longer than <see cref="PerCase"/>.</summary>
    private static void ReadsOrRefuses(string text, string what, CsvReadOptions? options = null)
    {
        var read = Task.Run(() =>
        {
            try
            {
                CsvSeriesReader.Parse(text, Source, options);
                return null;
            }
            catch (DataException e)
            {
                if (e.Message.Contains('\n') || e.Message.Contains('\r'))
                    return new InvalidOperationException($"the DataException spans lines: {e.Message}");
                if (!e.Message.StartsWith(Source, StringComparison.Ordinal))
                    return new InvalidOperationException($"the DataException does not name the source: {e.Message}");
                // .NET's own wording reaches the user only if the message passes an inner exception's text along.
                foreach (var pattern in DotNetPatterns)
                    if (e.Message.Contains(pattern, StringComparison.Ordinal) && !text.Contains(pattern, StringComparison.Ordinal))
                        return new InvalidOperationException($"the DataException carries .NET's own text ({pattern}): {e.Message}");
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        });
        if (!read.Wait(PerCase))
            Assert.Fail($"{what}: no answer after {PerCase.TotalSeconds} s ({text.Length} chars); the reader hangs.");
        if (read.Result is Exception bad)
            Assert.Fail($"{what}: {bad.GetType().Name} instead of a DataException: {bad}");
    }

    private static CsvReadOptions RandomOptions(Random rng) => rng.Next(6) switch
    {
        0 => CsvReadOptions.Default,
        1 => new CsvReadOptions { Sort = true },
        2 => new CsvReadOptions { Column = "price", Features = ["volume"] },
        3 => new CsvReadOptions { DecimalSeparator = ',' },
        4 => new CsvReadOptions { DecimalSeparator = ',', Column = "price", Features = ["volume"], Sort = true },
        _ => new CsvReadOptions { Symbols = ["A"], MinLength = 2 },
    };

    [Fact]
    public void RandomBytes_DecodedAsUtf8_ReadOrRefuse()
    {
        for (int seed = 0; seed < 1000; seed++)
        {
            var rng = new Random(seed);
            var bytes = new byte[rng.Next(0, 300)];
            rng.NextBytes(bytes);
            // Half the cases start with a good header, so the bytes reach the rows and the number parser.
            string prefix = seed % 2 == 0 ? "date,price\n2020-01-01,1\n" : "";
            string text = prefix + Encoding.UTF8.GetString(bytes);
            ReadsOrRefuses(text, $"random bytes, seed {seed}", RandomOptions(rng));
        }
    }

    // Fragments that stress the tokenizer, the header rules and the field parsers.
    private static readonly string[] Fragments =
    [
        "date", "price", "symbol", "volume", "Close", "A", "B", ",", ",", ",", ";", ";", "\t", "|", "\"", "\"\"", "\"",
        "\n", "\n", "\r\n", "\r", "\0", "\uFEFF", " ", "  ", "1", "2.5", "-3", "1,5", "\"1,5\"", "1.234,5", "1,234.5",
        "1,2,3", "1e31", "-1e300", "1e-320", "NaN", "inf", "∞", "NA", ".", "-", "2020-01-01", "2020-01-02",
        "Jan 3, 2020", "2020-01-01T00:00:00", "2020-13-45", "01/02/2020", "\uD800", "\uDC00", "é", "€", "\u00A0",
        "+", "e", "E5", "0x1F", "9999999999999999999999999", "sep=;",
    ];

    [Fact]
    public void RandomFragments_WithSeparatorsQuotesAndLineBreaks_ReadOrRefuse()
    {
        for (int seed = 0; seed < 2000; seed++)
        {
            var rng = new Random(seed);
            var sb = new StringBuilder();
            int n = rng.Next(0, 80);
            for (int i = 0; i < n; i++) sb.Append(Fragments[rng.Next(Fragments.Length)]);
            ReadsOrRefuses(sb.ToString(), $"random fragments, seed {seed}", RandomOptions(rng));
        }
    }

    private const string DamageChars = "\";,\t\r\n\0";

    /// <summary>A good long-format file whose rows are then damaged at random: quotes added, removed or doubled,
    /// separators swapped, characters deleted or duplicated.</summary>
    [Fact]
    public void ValidFileWithRandomDamage_ReadsOrRefuses()
    {
        for (int seed = 0; seed < 1000; seed++)
        {
            var rng = new Random(seed);
            var sb = new StringBuilder("symbol,date,price,volume\n");
            int rows = rng.Next(1, 12);
            for (int r = 0; r < rows; r++)
            {
                string symbol = rng.Next(2) == 0 ? "A" : "\"B\"";
                string price = rng.Next(3) switch { 0 => "12.5", 1 => "\"1,234.5\"", _ => "\"164,42\"" };
                sb.Append(symbol).Append(",2020-01-").Append((r + 1).ToString("00")).Append(',').Append(price)
                  .Append(',').Append(rng.Next(1000)).Append('\n');
            }
            var chars = sb.ToString().ToList();
            int damage = rng.Next(1, 6);
            for (int d = 0; d < damage && chars.Count > 0; d++)
            {
                int at = rng.Next(chars.Count);
                switch (rng.Next(5))
                {
                    case 0: chars.Insert(at, '"'); break;
                    case 1: chars.RemoveAt(at); break;
                    case 2: chars.Insert(at, chars[at]); break;
                    case 3: chars[at] = DamageChars[rng.Next(DamageChars.Length)]; break;
                    default: chars.InsertRange(at, "\"\""); break;
                }
            }
            ReadsOrRefuses(new string(chars.ToArray()), $"damaged file, seed {seed}", RandomOptions(rng));
        }
    }

    public static TheoryData<string> HugeFields => new()
    {
        "digits", "letters", "quoted with separators", "unclosed quote", "header name", "date", "doubled quotes",
    };

    /// <summary>One field of 1 to 5 MB, in each role the reader gives a field.</summary>
    [Theory]
    [MemberData(nameof(HugeFields))]
    public void HugeField_ReadsOrRefusesQuickly(string kind)
    {
        var rng = new Random(kind.Length);
        int size = rng.Next(1_000_000, 5_000_000);
        string Fill(string unit) => new StringBuilder(size + unit.Length).Insert(0, unit, size / unit.Length).ToString();
        string text = kind switch
        {
            "digits" => "date,price\n2020-01-01," + Fill("7") + "\n",
            "letters" => "date,price\n2020-01-01," + Fill("x") + "\n",
            "quoted with separators" => "date,price\n2020-01-01,\"" + Fill("1,;\n") + "\"\n",
            "unclosed quote" => "date,price\n2020-01-01,\"" + Fill("12") + "\n2020-01-02,3\n",
            "header name" => "date," + Fill("p") + "\n2020-01-01,1\n",
            "date" => "date,price\n" + Fill("2") + ",1\n",
            _ => "date,price\n2020-01-01,\"" + Fill("\"\"") + "\"\n",
        };
        ReadsOrRefuses(text, $"huge field ({kind}, {size} chars)");
    }

    public static TheoryData<string> Repetitions => new()
    {
        "100k header columns", "100k header columns with data", "100k identical lines", "100k dated lines",
        "100k separators", "100k quotes", "100k empty lines", "100k symbols",
    };

    [Theory]
    [MemberData(nameof(Repetitions))]
    public void DeepRepetition_ReadsOrRefusesQuickly(string kind)
    {
        const int n = 100_000;
        var sb = new StringBuilder();
        switch (kind)
        {
            case "100k header columns":
                sb.Append("date");
                for (int i = 0; i < n; i++) sb.Append(",c").Append(i);
                sb.Append("\n2020-01-01").Append(',', n).Append('\n');
                break;
            case "100k header columns with data":
                sb.Append("date");
                for (int i = 0; i < n; i++) sb.Append(",c").Append(i);
                sb.Append("\n2020-01-01");
                for (int i = 0; i < n; i++) sb.Append(",1");
                sb.Append('\n');
                break;
            case "100k identical lines":
                sb.Append("date,price\n");
                for (int i = 0; i < n; i++) sb.Append("2020-01-01,1\n");
                break;
            case "100k dated lines":
                sb.Append("date,price\n");
                var day = new DateOnly(1800, 1, 1);
                for (int i = 0; i < n; i++) sb.Append(day.AddDays(i).ToString("yyyy-MM-dd")).Append(",1.5\n");
                break;
            case "100k separators":
                sb.Append("date,price\n2020-01-01").Append(',', n).Append('\n');
                break;
            case "100k quotes":
                sb.Append("date,price\n2020-01-01,").Append('"', n).Append('\n');
                break;
            case "100k empty lines":
                sb.Append('\n', n).Append("date,price\n").Insert(sb.Length, "\r\n", n).Append("2020-01-01,1\n");
                break;
            default:
                sb.Append("symbol,date,price\n");
                for (int i = 0; i < n; i++) sb.Append('S').Append(i).Append(",2020-01-01,1\n");
                break;
        }
        ReadsOrRefuses(sb.ToString(), kind);
    }

    public static TheoryData<string> MixedTexts => new()
    {
        "date;price,volume\n2020-01-01;1,5\n",
        "date,price;volume\n2020-01-01,1;5\n",
        "date\tprice;volume\n2020-01-01\t1;5\n",
        "date;price\n2020-01-01,1\n2020-01-02;2\n",
        "\"date;x\",price\n2020-01-01,1\n",
        "\uFEFF\uFEFFdate,price\n2020-01-01,1\n",
        "date,price\n\uFEFF2020-01-01,1\n",
        "date,pr\uFEFFice\n2020-01-01,1\n",
        "\uFEFF\n\ndate,price\n2020-01-01,1\n",
        "sep=;\ndate;price\n2020-01-01;1\n",
        "date|price\n2020-01-01|1\n",
        "date,price\r2020-01-01,1\r2020-01-02,2\r",
        "date,price\n2020-01-01,1\0\n",
        "\0",
        "\"",
        ",",
        ";",
        "\"\"\n\"\"",
    };

    [Theory]
    [MemberData(nameof(MixedTexts))]
    public void MixedSeparatorsBomsAndControlCharacters_ReadOrRefuse(string text)
    {
        foreach (var options in new[] { CsvReadOptions.Default, new CsvReadOptions { Sort = true, DecimalSeparator = ',' } })
            ReadsOrRefuses(text, $"mixed text {text.ReplaceLineEndings("\\n")}", options);
    }
}
