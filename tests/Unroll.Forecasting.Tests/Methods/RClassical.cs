using System.Globalization;

namespace Unroll.Forecasting.Tests.Methods;

/// <summary>R's forecasts for the classical methods, from fixtures/classical (written by make_classical.R).</summary>
internal static class RClassical
{
    public static readonly string[] Methods = ["naive", "snaive", "drift", "theta"];

    private static string Dir => Path.Combine(AppContext.BaseDirectory, "fixtures", "classical");

    public sealed record Case(string Name, int Season, int N, int TrainEnd, int Horizon, string Source,
        bool ThetaSeasonal, double ThetaAlpha, double ThetaL0, double ThetaDrift, double ThetaSigma2, double[] ThetaFigure)
    {
        public double[] Series => ReadSeries(Name);
        public double[] Train => Series[..TrainEnd];
        public bool HasOneStep => TrainEnd < N;
        public override string ToString() => Name;
    }

    /// <summary>One method's forecasts in a fixture table: mean and the 80% and 95% bounds, per row.</summary>
    public sealed record Bounds(double[] Mean, double[] Lo80, double[] Hi80, double[] Lo95, double[] Hi95)
    {
        public bool Present => !double.IsNaN(Mean[0]);
    }

    public sealed record Table(int[] Keys, double[] Actual, Dictionary<string, Bounds> ByMethod);

    private static readonly Lazy<Dictionary<string, Case>> All = new(LoadManifest);

    public static IReadOnlyCollection<Case> Cases => All.Value.Values;

    public static Case Get(string name) => All.Value[name];

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in All.Value.Keys) data.Add(name);
        return data;
    }

    public static TheoryData<string> NamesWithOneStep()
    {
        var data = new TheoryData<string>();
        foreach (var c in All.Value.Values.Where(c => c.HasOneStep)) data.Add(c.Name);
        return data;
    }

    private static double Num(string s) => s.Length == 0 ? double.NaN : double.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>Splits a CSV line on commas outside double quotes.</summary>
    private static List<string> Split(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        foreach (char c in line)
        {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }
        fields.Add(current.ToString());
        return fields;
    }

    private static Dictionary<string, Case> LoadManifest()
    {
        var lines = File.ReadAllLines(Path.Combine(Dir, "manifest.csv"));
        var header = Split(lines[0]);
        int Col(string name) => header.IndexOf(name) is int i and >= 0 ? i : throw new InvalidDataException($"manifest.csv has no column {name}");
        var cases = new Dictionary<string, Case>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var f = Split(line);
            var c = new Case(f[Col("name")], int.Parse(f[Col("m")], CultureInfo.InvariantCulture), int.Parse(f[Col("n")], CultureInfo.InvariantCulture),
                int.Parse(f[Col("T")], CultureInfo.InvariantCulture), int.Parse(f[Col("h")], CultureInfo.InvariantCulture), f[Col("source")],
                f[Col("theta_seasonal")] == "TRUE", Num(f[Col("theta_alpha")]), Num(f[Col("theta_l0")]), Num(f[Col("theta_drift")]),
                Num(f[Col("theta_sigma2")]), f[Col("theta_figure")].Split(' ').Select(Num).ToArray());
            cases.Add(c.Name, c);
        }
        return cases;
    }

    private static double[] ReadSeries(string name) =>
        File.ReadAllLines(Path.Combine(Dir, name + ".series.csv")).Where(l => l.Length > 0).Select(Num).ToArray();

    private static Table ReadTable(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(Dir, file)).Where(l => l.Length > 0).ToArray();
        var header = Split(lines[0]);
        var rows = lines.Skip(1).Select(Split).ToArray();
        double[] Column(string name)
        {
            int i = header.IndexOf(name);
            if (i < 0) throw new InvalidDataException($"{file} has no column {name}");
            return rows.Select(r => Num(r[i])).ToArray();
        }
        var byMethod = new Dictionary<string, Bounds>();
        foreach (var m in Methods)
            byMethod[m] = new Bounds(Column(m + "_mean"), Column(m + "_lo80"), Column(m + "_hi80"), Column(m + "_lo95"), Column(m + "_hi95"));
        int[] keys = Column(header[0]).Select(v => (int)v).ToArray();
        double[] actual = header.Contains("actual") ? Column("actual") : [];
        return new Table(keys, actual, byMethod);
    }

    /// <summary>Origins T..n−1 (the history's length), the actual next value, and each method's one-step forecast.</summary>
    public static Table OneStep(string name) => ReadTable(name + ".onestep.csv");

    /// <summary>Steps 1..h from the end of the training part: the package's own naive, snaive, rwf(drift) and thetaf.</summary>
    public static Table HStep(string name) => ReadTable(name + ".hstep.csv");
}
