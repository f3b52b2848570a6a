using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Unroll.Core;
using Unroll.Core.Benchmarking;
using Unroll.Numerics;

namespace Unroll.Cli.Commands;

/// <summary>`unroll bench`: times one training step and one forward pass, with the machine's peak FMA rate beside them.</summary>
internal static class BenchCommand
{
    public static Command Create(CliContext context)
    {
        var cell = new Option<string>("--cell") { Description = "rnn_relu, rnn_tanh, lstm or gru", DefaultValueFactory = _ => "lstm" };
        var input = new Option<int>("--input-size") { Description = "Features per step", DefaultValueFactory = _ => 1 };
        var hidden = new Option<int>("--hidden") { Description = "Hidden units", DefaultValueFactory = _ => 32 };
        var layers = new Option<int>("--layers") { Description = "Layers", DefaultValueFactory = _ => 1 };
        var seq = new Option<int>("--seq") { Description = "Steps per sequence", DefaultValueFactory = _ => 30 };
        var batch = new Option<int>("--batch") { Description = "Sequences per batch", DefaultValueFactory = _ => 64 };
        var threads = new Option<int?>("--threads") { Description = "Threads for the large matrix products (default: all cores)" };
        var repeats = new Option<int>("--repeats") { Description = "Timed runs per figure (after at least 0.4 s of warm-up)", DefaultValueFactory = _ => 20 };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("bench", "Time one training step (forward, BPTT, Adam) and one forward pass; report GFLOP/s against the machine's peak")
            { cell, input, hidden, layers, seq, batch, threads, repeats, json };
        command.SetAction(parse =>
        {
            var cellName = parse.GetValue(cell)!;
            var kind = Arguments.Cell(cellName);
            foreach (var (name, value) in new[] { ("--input-size", parse.GetValue(input)), ("--hidden", parse.GetValue(hidden)), ("--layers", parse.GetValue(layers)), ("--seq", parse.GetValue(seq)), ("--batch", parse.GetValue(batch)), ("--repeats", parse.GetValue(repeats)) })
                if (value < 1) throw new UserError($"{name} must be at least 1, got {value}");
            if (parse.GetValue(threads) is < 1) throw new UserError($"--threads must be at least 1, got {parse.GetValue(threads)}");
            var workload = new Workload(kind, parse.GetValue(input), parse.GetValue(hidden), parse.GetValue(layers), parse.GetValue(seq), parse.GetValue(batch));
            var result = StepBenchmark.Run(workload, parse.GetValue(repeats), parse.GetValue(threads));
            var peak = PeakFlops.Measure(TimeSpan.FromMilliseconds(200));
            double peakGflops = result.Threads > 1 ? peak.AllCoresGflops : peak.SingleCoreGflops;
            if (parse.GetValue(json))
            {
                context.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    cell = kind.ToName(), I = workload.InputSize, H = workload.HiddenSize, L = workload.Layers, T = workload.Steps, B = workload.Batch,
                    threads = result.Threads,
                    train_ms = Math.Round(result.TrainMs, 4),
                    infer_ms = Math.Round(result.InferMs, 4),
                    gflops = Math.Round(result.TrainGflops, 2),
                    peak_gflops = Math.Round(peakGflops, 1),
                    peak_vector_bits = peak.VectorBits,
                    memory_mb = Math.Round(result.TrainingBytes / 1048576, 2),
                    bptt_floor_mb = Math.Round(result.FloorBytes / 1048576, 2),
                    memory_ratio = Math.Round(result.TrainingBytes / result.FloorBytes, 2),
                }));
                return UnrollCli.Ok;
            }
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{kind.ToName()} {workload.InputSize}→{workload.HiddenSize}×{workload.Layers}, T={workload.Steps}, B={workload.Batch}, {result.Threads} thread(s): " +
                $"train step {result.TrainMs:F3} ms, forward {result.InferMs:F3} ms; {result.TrainGflops:F1} GFLOP/s of a {peakGflops:F0} GFLOP/s peak ({peak.VectorBits}-bit FMA); " +
                $"training holds {result.TrainingBytes / 1048576:F1} MB, {result.TrainingBytes / result.FloorBytes:F2}× the {result.FloorBytes / 1048576:F1} MB BPTT must keep"));
            return UnrollCli.Ok;
        });
        return command;
    }
}
