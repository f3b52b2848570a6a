using System.Diagnostics;
using System.Globalization;
using Unroll.Data.Csv;

namespace Unroll.Benchmarks;

/// <summary>Times one read of a CSV file by <see cref="CsvSeriesReader"/>: the parsing throughput in rows per second,
/// and the process's peak resident memory (VmHWM) after it.</summary>
internal static class CsvReadTimer
{
    public static void Run(string path, string[] features, TextWriter output)
    {
        long bytes = new FileInfo(path).Length;
        var clock = Stopwatch.StartNew();
        var set = CsvSeriesReader.Read(path, new CsvReadOptions { Features = features });
        double seconds = clock.Elapsed.TotalSeconds;
        long rows = set.Series.Sum(s => (long)s.Length) + set.Missing.BlankRowsDropped + set.Missing.RowsDropped;
        var culture = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(culture, $"read {Path.GetFileName(path)}: {bytes / 1e6:F0} MB, {set.Series.Count} series, {rows} rows in {seconds:F1} s"));
        output.WriteLine(string.Create(culture, $"rows_per_second {rows / seconds:F0}"));
        output.WriteLine(string.Create(culture, $"megabytes_per_second {bytes / 1e6 / seconds:F1}"));
        output.WriteLine(string.Create(culture, $"peak_resident_mb {PeakResidentMegabytes():F0}"));
        GC.KeepAlive(set);
    }

    // VmHWM from /proc/self/status (Linux); NaN elsewhere.
    private static double PeakResidentMegabytes()
    {
        const string File = "/proc/self/status";
        if (!System.IO.File.Exists(File)) return double.NaN;
        foreach (string line in System.IO.File.ReadLines(File))
        {
            if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
            string kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
            return double.Parse(kb, CultureInfo.InvariantCulture) / 1024;
        }
        return double.NaN;
    }
}
