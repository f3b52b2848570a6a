using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Unroll.Core;
using Unroll.Core.Benchmarking;
using Unroll.Numerics;

namespace Unroll.Cli.Commands;

/// <summary>`unroll bench`: times one training step and one forward pass, with the machine's peak FMA rate beside them.</summary>
internal static class BenchCommand
{
    public static Command Create(CliContext context)
    {
        var cell = Options.Choice("--cell", "rnn_relu, rnn_tanh, lstm or gru", "lstm", [.. CellKinds.Names]);
        var input = Options.Count("--input-size", "Features per step", 1, max: 16_384);
        var hidden = Options.Count("--hidden", "Hidden units", 32, max: 4096);
        var layers = Options.Count("--layers", "Layers", 1, max: 64);
        var seq = Options.Count("--seq", "Steps per sequence", 30, max: 100_000);
        var batch = Options.Count("--batch", "Sequences per batch", 64, max: 100_000);
        var threads = Options.Threads("Threads to time (default: every core), beside the peak of that many cores");
        var repeats = Options.Count("--repeats", "Timed runs per figure (after at least 0.4 s of warm-up)", 20, max: 100_000);
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("bench", "Time one training step (forward, BPTT, Adam) and one forward pass; report GFLOP/s against the machine's peak")
            { cell, input, hidden, layers, seq, batch, threads, repeats, json };
        command.SetAction(parse =>
        {
            var cellName = parse.GetValue(cell)!;
            var kind = CellKinds.Parse(cellName);
            var workload = new Workload(kind, parse.GetValue(input), parse.GetValue(hidden), parse.GetValue(layers), parse.GetValue(seq), parse.GetValue(batch));
            RequireRoom(workload);
            // --threads (at most the cores: more would time the threads taking turns) is applied around every command.
            BenchmarkResult result;
            try { result = StepBenchmark.Run(workload, parse.GetValue(repeats), parse.GetValue(threads)); }
            catch (OutOfMemoryException)
            {
                throw new UserError(string.Create(CultureInfo.InvariantCulture,
                    $"this workload ran out of memory (its BPTT alone keeps {workload.BpttFloorBytes / (1L << 30):F1} GiB, and training holds more); lower --batch, --seq, --hidden, --input-size or --layers"));
            }
            var peak = PeakFlops.Measure(TimeSpan.FromMilliseconds(200));
            double peakGflops = result.Threads > 1 ? peak.AllCoresGflops : peak.SingleCoreGflops;
            if (parse.GetValue(json))
            {
                var numbers = new JsonNumbers();
                context.Out.WriteLine(numbers.Finish(new JsonObject
                {
                    ["cell"] = kind.ToName(), ["I"] = workload.InputSize, ["H"] = workload.HiddenSize, ["L"] = workload.Layers, ["T"] = workload.Steps, ["B"] = workload.BatchSize,
                    ["threads"] = result.Threads,
                    ["train_ms"] = numbers.Number(Math.Round(result.TrainMs, 4), "train_ms"),
                    ["infer_ms"] = numbers.Number(Math.Round(result.InferMs, 4), "infer_ms"),
                    ["gflops"] = numbers.Number(Math.Round(result.TrainGflops, 2), "gflops"),
                    ["peak_gflops"] = numbers.Number(Math.Round(peakGflops, 1), "peak_gflops"),
                    ["peak_vector_bits"] = peak.VectorBits,
                    ["memory_mb"] = numbers.Number(Math.Round(result.TrainingBytes / 1048576, 4), "memory_mb"),
                    ["bptt_floor_mb"] = numbers.Number(Math.Round(result.FloorBytes / 1048576, 4), "bptt_floor_mb"),
                    ["memory_ratio"] = numbers.Number(Math.Round(result.TrainingBytes / result.FloorBytes, 2), "memory_ratio"),
                }).ToJsonString());
                return UnrollCli.Ok;
            }
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{kind.ToName()} {workload.InputSize}→{workload.HiddenSize}×{workload.Layers}, T={workload.Steps}, B={workload.BatchSize}, {result.Threads} thread(s): " +
                $"train step {result.TrainMs:F3} ms, forward {result.InferMs:F3} ms; {result.TrainGflops:F1} GFLOP/s of a {peakGflops:F0} GFLOP/s peak ({peak.VectorBits}-bit FMA); " +
                $"training holds {Megabytes(result.TrainingBytes)} MB, {result.TrainingBytes / result.FloorBytes:F2}× the {Megabytes(result.FloorBytes)} MB BPTT must keep"));
            return UnrollCli.Ok;
        });
        return command;
    }

    // 512.3, 12.5, 0.0061: three significant digits below 100 MB, so that a small workload's floor is not 0.0.
    private static string Megabytes(double bytes)
        => (bytes / 1048576) is var mb && mb >= 100 ? mb.ToString("F0", CultureInfo.InvariantCulture) : mb.ToString("G3", CultureInfo.InvariantCulture);

    /// <summary>
    /// Refuses, before any work, a workload that cannot run here: one whose widest array (a layer's gates or joint rows
    /// over all T × B rows) is longer than .NET's arrays can be, or whose BPTT floor alone is more memory than this
    /// process may use.
    /// </summary>
    private static void RequireRoom(Workload workload)
    {
        long rows = (long)workload.Steps * workload.BatchSize;
        long widest = rows * Math.Max(workload.Cell.GateCount() * workload.HiddenSize, workload.InputSize + workload.HiddenSize + 1);
        string lower = "lower --batch, --seq, --hidden or --input-size";
        if (widest > Array.MaxLength)
            throw new UserError(string.Create(CultureInfo.InvariantCulture,
                $"this workload's {rows:N0} rows (--seq × --batch) of {widest / rows:N0} values each are {widest:N0} values in one array, more than .NET's arrays hold ({Array.MaxLength:N0}); {lower}"));
        double floor = workload.BpttFloorBytes, available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (floor > available)
            throw new UserError(string.Create(CultureInfo.InvariantCulture,
                $"this workload keeps at least {floor / (1L << 30):F1} GiB for BPTT, more than the {available / (1L << 30):F1} GiB this process may use; {lower}, or --layers"));
    }
}
