using System.Text.Json;
using Unroll.Core;
using Unroll.Core.Io;
using Unroll.Data;
using Xunit.Abstractions;

namespace Unroll.Forecasting.Tests;

/// <summary>
/// Damaged forecasting settings in a model file's metadata: each is a <see cref="ModelFileException"/> naming the file
/// and the setting, never another exception; seeded random damage and bit flips load the same forecaster or are refused.
/// </summary>
public sealed class ModelBundleLoadTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-bundle-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly Lazy<(Forecaster Forecaster, byte[] Bytes)> Small = new(() =>
    {
        TimeSeries Make(string name, int length, double phase)
        {
            var dates = Enumerable.Range(0, length).Select(i => new DateTime(2001, 1, 1).AddDays(7 * i)).ToArray();
            var values = Enumerable.Range(0, length).Select(i => 50 + 10 * Math.Sin(i / 4.0 + phase)).ToArray();
            var volume = Enumerable.Range(0, length).Select(i => 1000.0 + 37 * (i % 5)).ToArray();
            return new TimeSeries(name, dates, values, ["volume"], volume);
        }
        var data = new SeriesSet([Make("AAA", 30, 0), Make("BB", 24, 1)], "close", ["volume"], "synthetic.csv");
        var settings = new ForecastSettings { HiddenSize = 2, Lookback = Lookback.Of(3), Epochs = 1, Seed = 1 };
        var forecaster = Forecaster.Fit(data, settings).Forecaster;
        var path = Path.Combine(Path.GetTempPath(), $"unroll-bundle-{Guid.NewGuid():N}.safetensors");
        ModelBundle.Save(forecaster, path);
        var bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return (forecaster, bytes);
    });

    /// <summary>The small forecaster's file with its metadata changed (checksums recomputed, so the settings' own
    /// checks are what is tested).</summary>
    private string WithMetadata(Action<Dictionary<string, string>> change)
    {
        var path = Path.Combine(_folder, "model.safetensors");
        File.WriteAllBytes(path, Small.Value.Bytes);
        var (tensors, metadata) = SafeTensors.Read(path);
        var changed = new Dictionary<string, string>(metadata);
        change(changed);
        File.WriteAllBytes(path, SafeTensors.Serialize(tensors, changed));
        return path;
    }

    private static string Training(string key, string value)
    {
        var training = JsonSerializer.Deserialize<Dictionary<string, string>>(TrainingJson())!;
        training[key] = value;
        return JsonSerializer.Serialize(training);
    }

    private static string TrainingJson()
    {
        var (_, metadata) = SafeTensors.Parse(Small.Value.Bytes, "small");
        return metadata["forecast.training"];
    }

    [Fact]
    public void Load_TheSmallModel_GivesTheSavedForecaster()
    {
        var path = WithMetadata(_ => { });
        var loaded = ModelBundle.Load(path);
        Assert.Equal(Small.Value.Forecaster.Settings with { Scaling = Small.Value.Forecaster.Settings.EffectiveScaling }, loaded.Settings);
        Assert.Equal(["volume"], loaded.FeatureNames);
        Assert.Equal("weeks", loaded.TrainedStep?.ToString());
    }

    [Fact]
    public void Load_AFileWrittenBeforeTheStep_ChecksNoStep()
    {
        var path = WithMetadata(m => Assert.True(m.Remove("forecast.step")));
        var loaded = ModelBundle.Load(path);
        Assert.Null(loaded.TrainedStep);
        var daily = new TimeSeries("AAA", Enumerable.Range(0, 30).Select(i => new DateTime(2001, 1, 1).AddDays(i)).ToArray(),
            Enumerable.Range(0, 30).Select(i => 50.0 + i % 7).ToArray(), ["volume"], Enumerable.Repeat(1000.0, 30).ToArray());
        loaded.RequireStep(new SeriesSet([daily], "close", ["volume"], "daily.csv"));
        var error = Assert.Throws<DataException>(() => Small.Value.Forecaster.RequireStep(new SeriesSet([daily], "close", ["volume"], "daily.csv")));
        Assert.Equal("daily.csv: series 'AAA' has daily dates, but the model was trained on weekly data: read it as weekly points " +
                     "with CsvReadOptions.Resample = ResamplePeriod.Week, or train a model on daily data", error.Message);
    }

    [Theory]
    [InlineData("forecast.strategy", "1", "metadata forecast.strategy = '1' is not one of recursive, direct")]
    [InlineData("forecast.strategy", "99", "metadata forecast.strategy = '99' is not one of recursive, direct")]
    [InlineData("forecast.strategy", "Recursive, Direct", "is not one of recursive, direct")]
    [InlineData("forecast.target", "price!", "metadata forecast.target = 'price!' is not one of price, return, logreturn")]
    [InlineData("forecast.scaling", "2", "metadata forecast.scaling = '2' is not one of relative, minmax, zscore")]
    [InlineData("forecast.step", "fortnights", "metadata forecast.step = 'fortnights' is not a step this Unroll knows (business_days, days, weeks, months, quarters, years or intraday:SECONDS): the file is damaged or written by a newer Unroll; update Unroll, or train the model again")]
    [InlineData("forecast.step", "intraday:0", "metadata forecast.step = 'intraday:0' is not a step")]
    [InlineData("forecast.step", "intraday:86400", "metadata forecast.step = 'intraday:86400' is not a step")]
    [InlineData("forecast.step", "intraday:-60", "metadata forecast.step = 'intraday:-60' is not a step")]
    [InlineData("forecast.step", "Weeks", "metadata forecast.step = 'Weeks' is not a step")]
    [InlineData("forecast.horizon", "abc", "metadata forecast.horizon = 'abc' is not a whole number")]
    [InlineData("forecast.horizon", "99999999999", "metadata forecast.horizon = '99999999999' is not a whole number")]
    [InlineData("forecast.horizon", "-3", "the forecasting settings are out of range (horizon must be from 1 to 10,000, got -3)")]
    [InlineData("forecast.horizon", "100000000", "the forecasting settings are out of range (horizon must be from 1 to 10,000, got 100000000)")]
    [InlineData("forecast.lookback", "0", "metadata forecast.lookback = '0' is not 'all' or a whole number of steps from 1")]
    [InlineData("forecast.relative", "yes", "metadata forecast.relative = 'yes' is not true or false")]
    [InlineData("forecast.target", "return", "relative scaling already forecasts changes")]
    [InlineData("forecast.target_column", "", "metadata forecast.target_column = '' is not a column name")]
    [InlineData("forecast.features", "{}", "metadata forecast.features is not a JSON array of column names")]
    [InlineData("forecast.features", "[1]", "metadata forecast.features is not a JSON array of column names")]
    [InlineData("forecast.features", "null", "metadata forecast.features is not a JSON array of column names (it is null)")]
    [InlineData("forecast.features", "[null]", "metadata forecast.features = '[null]' is not a JSON array of column names")]
    [InlineData("forecast.features", "[\"volume\",\"open\"]", "the network takes 2 inputs but the metadata names 2 features (plus the target)")]
    [InlineData("forecast.scalers", "[]", "metadata forecast.scalers is not a JSON object of strings")]
    [InlineData("forecast.scalers", "{\"AAA\":1}", "metadata forecast.scalers is not a JSON object of strings")]
    [InlineData("forecast.scalers", "{\"AAA\":\"zscore:NaN:1;none\"}", "metadata forecast.scalers, series 'AAA': scaler 'zscore:NaN:1' is not understood")]
    [InlineData("forecast.scalers", "{\"AAA\":\"\"}", "metadata forecast.scalers, series 'AAA': scaler '' is not understood")]
    [InlineData("forecast.scalers", "{\"AAA\":\"minmax:-1e308:1e308;none\"}", "metadata forecast.scalers, series 'AAA': ")]   // Scaler.Parse's ArgumentOutOfRangeException, typed here
    [InlineData("forecast.scalers", "{\"AAA\":\"zscore:0:1e-320;none\"}", "series 'AAA': scaler 'zscore:0:1E-320' has a scale out of range")]
    [InlineData("forecast.scalers", "{\"AAA\":\"none\"}", "metadata forecast.scalers, series 'AAA': 0 feature scalers for 1 features")]
    [InlineData("forecast.scalers", "{\"AAA\":\"none;none;none\"}", "series 'AAA': 2 feature scalers for 1 features")]
    [InlineData("forecast.training", "{\"epochs\":5}", "metadata forecast.training is not a JSON object of strings")]
    [InlineData("forecast.training", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "metadata forecast.training is not a JSON object of strings")]
    public void Load_DamagedSetting_IsAModelFileErrorNamingIt(string key, string value, string expected)
    {
        var path = WithMetadata(m => m[key] = value);
        var e = Assert.Throws<ModelFileException>(() => ModelBundle.Load(path));
        Assert.StartsWith($"{path}: ", e.Message);
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("lr", "NaN", "metadata forecast.training lr = 'NaN' is not a finite number")]
    [InlineData("lr", "-1", "lr must be a positive number")]
    [InlineData("epochs", "1e99", "metadata forecast.training epochs = '1e99' is not a whole number")]
    [InlineData("optimizer", "7", "metadata forecast.training optimizer = '7' is not one of sgd, momentum")]
    [InlineData("loss", "x", "metadata forecast.training loss = 'x' is not one of")]
    [InlineData("clip", "-1", "clip must be positive, got -1")]
    [InlineData("validation", "0.95", "val must be in [0, 0.9), got 0.95")]
    [InlineData("patience", "0", "patience must be at least 1 epoch, got 0")]
    public void Load_DamagedTrainingSetting_IsAModelFileErrorNamingIt(string key, string value, string expected)
    {
        var path = WithMetadata(m => m["forecast.training"] = Training(key, value));
        var e = Assert.Throws<ModelFileException>(() => ModelBundle.Load(path));
        Assert.StartsWith($"{path}: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Load_NetworkModelWithoutSettings_SaysSo()
    {
        var path = WithMetadata(m => m.Remove("forecast.horizon"));
        var e = Assert.Throws<ModelFileException>(() => ModelBundle.Load(path));
        Assert.Contains("a network model without forecasting settings (no 'forecast.horizon' metadata)", e.Message);
    }

    private static readonly string[] JunkValues =
    [
        "", "0", "1", "-1", "2", "99", "2147483648", "-2147483649", "1e308", "NaN", "Infinity", "-0", "0.5", "true", "false", "null",
        "all", "ALL", "recursive", "direct", "price", "return", "logreturn", "none", "minmax", "zscore", "adam", "sgd", "MeanSquared",
        "[]", "{}", "[1]", "[null]", "[\"a\"]", "[\"volume\"]", "{\"AAA\":\"none;none\"}", "{\"AAA\":\"minmax:1:2;zscore:0:1\"}",
        "{\"AAA\":\"zscore:1:0;none\"}", "{\"AAA\":\"minmax:2:1;none\"}", "{\"AAA\":\"minmax:1:1e400;none\"}", "{\"AAA\":null}",
        "{\"epochs\":\"0\"}", "{\"batch\":\"-5\"}", "{\"lr\":\"1e-320\"}", "{\"clip\":\"none\"}", "{\"seed\":\"x\"}", "{\"a\":{\"b\":1}}",
        "[" , "{", "\"", "\\u0000", new string('[', 200) + new string(']', 200), new string('x', 5000), "\u2028", "volume\nclose",
    ];

    [Fact]
    public void RandomlyDamagedSettings_LoadOrAreRefusedWithAModelFileError()
    {
        var (_, metadata) = SafeTensors.Parse(Small.Value.Bytes, "small");
        var keys = metadata.Keys.Where(k => k.StartsWith("forecast.", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        string[] trainingKeys = ["epochs", "batch", "lr", "optimizer", "clip", "loss", "validation", "test", "patience", "seed"];
        var random = new Random(10);
        int loaded = 0, refused = 0;
        const int Cases = 1500;
        for (int i = 0; i < Cases; i++)
        {
            var changes = new List<string>();
            var path = WithMetadata(m =>
            {
                for (int c = 1 + random.Next(3); c > 0; c--)
                {
                    string key = keys[random.Next(keys.Length)];
                    string value = JunkValues[random.Next(JunkValues.Length)];
                    if (random.Next(8) == 0) { m.Remove(key); changes.Add($"removed {key}"); }
                    else if (key == "forecast.training" && random.Next(2) == 0)
                    {
                        string inner = trainingKeys[random.Next(trainingKeys.Length)];
                        m[key] = Training(inner, value);
                        changes.Add($"training {inner} = {value}");
                    }
                    else { m[key] = value; changes.Add($"{key} = {value}"); }
                }
            });
            try
            {
                ModelBundle.Load(path);
                loaded++;
            }
            catch (ModelFileException e)
            {
                refused++;
                Assert.StartsWith($"{path}", e.Message);
                Assert.DoesNotContain('\n', e.Message);
                foreach (var pattern in new[] { "System.", "(Parameter '", "Exception", "Path: $", "BytePositionInLine", "Actual value was" })
                    Assert.False(e.Message.Contains(pattern, StringComparison.Ordinal), $"case {i}: .NET's own text ({pattern}) in {e.Message}");
            }
            catch (Exception e)
            {
                Assert.Fail($"case {i} ({string.Join("; ", changes)}): {e.GetType().Name} instead of ModelFileException: {e.Message}");
            }
        }
        output.WriteLine($"{Cases} damaged settings: {loaded} loaded, {refused} refused");
        Assert.True(refused > Cases / 2);
    }

    [Fact]
    public void BitFlips_LoadTheSameForecasterOrAreRefused()
    {
        // 2000 of the file's bits (about 14,000 of them), seeded: each flip in the data or the metadata is caught by a
        // checksum (ModelFileFuzzTests in Unroll.Core.Tests flips every bit of a smaller file).
        var bytes = Small.Value.Bytes;
        var original = Small.Value.Forecaster;
        var path = Path.Combine(_folder, "flip.safetensors");
        var random = new Random(11);
        int loaded = 0;
        for (int i = 0; i < 2000; i++)
        {
            int bit = random.Next(bytes.Length * 8);
            var flipped = (byte[])bytes.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            File.WriteAllBytes(path, flipped);
            Forecaster forecaster;
            try { forecaster = ModelBundle.Load(path); }
            catch (ModelFileException) { continue; }
            catch (Exception e) { Assert.Fail($"bit {bit}: {e.GetType().Name} instead of ModelFileException: {e.Message}"); throw; }
            loaded++;
            Assert.Equal(original.Settings with { Scaling = original.Settings.EffectiveScaling }, forecaster.Settings);
            Assert.Equal(original.Scalers.ToDictionary(kv => kv.Key, kv => kv.Value.ToString()), forecaster.Scalers.ToDictionary(kv => kv.Key, kv => kv.Value.ToString()));
            for (int k = 0; k < original.Network.Parameters.Count; k++)
                Assert.Equal(original.Network.Parameters[k].Value, forecaster.Network.Parameters[k].Value);
        }
        output.WriteLine($"{bytes.Length}-byte file, 2000 flips: {loaded} loaded the same forecaster, {2000 - loaded} refused");
    }
}
