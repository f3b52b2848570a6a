using System.Text.Json;
using Unroll.Forecasting.Methods;

namespace Unroll.Forecasting.Tests.Ets;

/// <summary>R's forecast::ets on one series of the development suite, as fixtures/ets/make_ets.R wrote it.</summary>
internal sealed class EtsReference
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "fixtures", "ets");
    private static readonly Lazy<IReadOnlyList<EtsReference>> Cache = new(() => Directory
        .GetFiles(Path.Combine(Folder, "series"), "*.json").Order(StringComparer.Ordinal).Select(Load).ToArray());

    public required string Name { get; init; }
    public required int M { get; init; }
    public required int T { get; init; }
    public required double[] Y { get; init; }
    public required RFit Selected { get; init; }
    public required IReadOnlyList<RCandidate> Candidates { get; init; }
    public required IReadOnlyList<RFit> Forced { get; init; }
    public required RForecast OneStep { get; init; }
    public required RForecast HStep { get; init; }

    public double[] Train => Y[..T];
    public double[] Test => Y[T..];

    /// <summary>Every series, by name.</summary>
    public static IReadOnlyList<EtsReference> All => Cache.Value;

    public static EtsReference Of(string name) => All.Single(r => r.Name == name);

    public static IEnumerable<object[]> Names => All.Select(r => new object[] { r.Name });

    public static string Path_(string file) => Path.Combine(Folder, file);

    /// <summary>MASE scale: mean |y_t − y_{t−1}| over the training values.</summary>
    public double Scale
    {
        get
        {
            double s = 0;
            for (int t = 1; t < T; t++) s += Math.Abs(Y[t] - Y[t - 1]);
            return s / (T - 1);
        }
    }

    private static EtsReference Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var r = doc.RootElement;
        return new EtsReference
        {
            Name = r.GetProperty("name").GetString()!,
            M = r.GetProperty("m").GetInt32(),
            T = r.GetProperty("T").GetInt32(),
            Y = Numbers(r.GetProperty("y")),
            Selected = RFit.Parse(r.GetProperty("selected")),
            Candidates = r.GetProperty("candidates").EnumerateArray().Select(RCandidate.Parse).ToArray(),
            Forced = r.GetProperty("forced").EnumerateArray().Select(RFit.Parse).ToArray(),
            OneStep = RForecast.Parse(r.GetProperty("onestep")),
            HStep = RForecast.Parse(r.GetProperty("hstep")),
        };
    }

    internal static double[] Numbers(JsonElement e) => e.ValueKind == JsonValueKind.Array
        ? e.EnumerateArray().Select(x => x.GetDouble()).ToArray()
        : [e.GetDouble()];

    internal static EtsParameters Parameters(JsonElement par) => new(
        par.GetProperty("alpha").GetDouble(),
        par.TryGetProperty("beta", out var b) ? b.GetDouble() : null,
        par.TryGetProperty("gamma", out var g) ? g.GetDouble() : null,
        par.TryGetProperty("phi", out var p) ? p.GetDouble() : null);
}

/// <summary>A fitted ets object: its model, parameters, initial states (s_m included) and what R computed from them.</summary>
internal sealed record RFit(EtsModel Model, EtsParameters Parameters, double[] InitialState, double Sigma2, double? LogLik,
    double? Aicc, double[]? Fitted, RForecast? Forecast, double[]? SimulatedMean, double[]? SimulatedVariance)
{
    public static RFit Parse(JsonElement e) => new(
        EtsModel.Parse(e.GetProperty("method").GetString()!),
        EtsReference.Parameters(e.GetProperty("par")),
        EtsReference.Numbers(e.GetProperty("initstate")),
        e.GetProperty("sigma2").GetDouble(),
        e.TryGetProperty("loglik", out var ll) ? ll.GetDouble() : null,
        e.TryGetProperty("aicc", out var a) ? a.GetDouble() : null,
        e.TryGetProperty("fitted", out var f) ? EtsReference.Numbers(f) : null,
        e.TryGetProperty("forecast", out var fc) ? RForecast.Parse(fc) : null,
        e.TryGetProperty("sim_mean", out var sm) ? EtsReference.Numbers(sm) : null,
        e.TryGetProperty("sim_var", out var sv) ? EtsReference.Numbers(sv) : null);
}

/// <summary>One model of ets()'s selection loop as forecast:::etsmodel returned it; Aicc null where it failed.</summary>
internal sealed record RCandidate(EtsModel Model, double? Aicc, double? LogLik, EtsParameters? Parameters,
    double[]? InitialState, int? Evaluations, double[]? Start)
{
    public static RCandidate Parse(JsonElement e)
    {
        bool ok = e.TryGetProperty("aicc", out var a) && a.ValueKind == JsonValueKind.Number;
        return new(
            EtsModel.Parse(e.GetProperty("method").GetString()!),
            ok ? a.GetDouble() : null,
            ok ? e.GetProperty("loglik").GetDouble() : null,
            ok ? EtsReference.Parameters(e.GetProperty("par")) : null,
            ok ? EtsReference.Numbers(e.GetProperty("initstate")) : null,
            ok ? e.GetProperty("fncount").GetInt32() : null,
            e.TryGetProperty("start", out var st) && st.ValueKind == JsonValueKind.Array ? EtsReference.Numbers(st) : null);
    }
}

/// <summary>Forecast means with 80% and 95% bounds.</summary>
internal sealed record RForecast(double[] Mean, double[] Lo80, double[] Hi80, double[] Lo95, double[] Hi95)
{
    public static RForecast Parse(JsonElement e) => new(
        EtsReference.Numbers(e.GetProperty("mean")),
        EtsReference.Numbers(e.GetProperty("lo80")),
        EtsReference.Numbers(e.GetProperty("hi80")),
        EtsReference.Numbers(e.GetProperty("lo95")),
        EtsReference.Numbers(e.GetProperty("hi95")));
}
