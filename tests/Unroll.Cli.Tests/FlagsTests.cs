using Unroll.Core.Io;
using Unroll.Data;
using Unroll.Data.Csv;
using Unroll.Forecasting;

namespace Unroll.Cli.Tests;

/// <summary>The library names settings; the command line names flags: every setting a library error can name has its flag.</summary>
public class FlagsTests
{
    public static IEnumerable<object[]> CsvCases() =>
    [
        [CsvSettings.DecimalComma, "--decimal ,"],
        [CsvSettings.DecimalPoint, "--decimal ."],
        [CsvSettings.Sort, "--sort"],
        [CsvSettings.Column, "--column"],
        [CsvSettings.Features, "--features"],
        [CsvSettings.FeaturesOf(["volume", "open"]), "--features volume,open"],
        [CsvSettings.Symbols, "--symbol"],
        [ForecastFixes.CheckpointPath, "--checkpoint"],
        [ForecastFixes.Of(nameof(ForecastSettings.Scaling), "TargetScaling.MinMax"), "--scaling minmax"],
        [ForecastFixes.Of(nameof(ForecastSettings.Strategy), "ForecastStrategy.Recursive"), "--strategy recursive"],
        [ForecastFixes.Of(nameof(ForecastSettings.Target), "TargetKind.LogReturn"), "--target logreturn"],
        [ForecastFixes.Of(nameof(ForecastSettings.Horizon), "3"), "--horizon 3"],
        [ForecastFixes.Of(nameof(ForecastSettings.LearningRate), "0.005"), "--lr 0.005"],
    ];

    [Theory]
    [MemberData(nameof(CsvCases))]
    public void Of_LibrarySetting_GivesItsFlag(Setting setting, string flag) => Assert.Equal(flag, Flags.Of(setting));

    [Fact]
    public void Of_EverySettingDescribeLists_HasAFlag()
    {
        foreach (var (name, value) in new ForecastSettings().Describe())
        {
            var flag = Flags.Of(ForecastFixes.Described(name, value));
            Assert.False(flag.Contains("ForecastSettings.", StringComparison.Ordinal), $"{name}: {flag}");
        }
    }

    [Fact]
    public void Train_RelativeScalingWithReturns_IsWordedWithFlags()
    {
        var r = CliRunner.Run("train", "--data", CliRunner.RepoFile("data", "stocks.csv"), "--out", Path.Combine(Path.GetTempPath(), "never.safetensors"),
            "--scaling", "relative", "--target", "return");
        r.AssertOneLineError("relative scaling already forecasts changes relative to the last value (--scaling relative); use it with the price target (--target price), not return");
    }

    [Fact]
    public void ModelFileError_NamingTheCellSetting_IsWordedWithTheFlag()
    {
        var e = new ModelFileException($"m.safetensors: say which with {ModelFile.CellSetting}", ModelFile.CellSetting);
        Assert.Equal("m.safetensors: say which with --cell rnn_relu or --cell rnn_tanh", Flags.Of(e));
    }
}
